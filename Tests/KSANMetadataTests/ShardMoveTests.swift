import Foundation
import Testing

@testable import KSANMetadata

/// Moves of shards in placement: atomic, refused when raced, read back by object lookups, and the copies left
/// behind queued as garbage that never touches the current disks.
@Suite("Shard moves", .enabled(if: TestEnvironment.postgresEnabled))
struct ShardMoveTests {
    @Test("a move changes placement and what lookups answer; the old copy is garbage; a raced move changes nothing")
    func moves() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layout = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: layout))
            let move = ShardMove(index: 0, from: "osd1-d1", to: "spare-d1")
            let moved = try #require(try await store.moveShards(dataId: layout.dataId, moves: [move]))
            #expect(moved.diskIds == ["spare-d1"] + layout.diskIds.dropFirst())
            // Lookups answer the current disks; the object's row still has the write's.
            #expect(try await store.object(bucket: "b", key: "k")?.layouts == [moved])
            #expect(try await store.placements(diskIds: ["spare-d1"], after: nil, limit: 10) == [moved])
            #expect(try await store.placements(diskIds: ["osd1-d1"], after: nil, limit: 10).isEmpty)
            // The copy left behind, and only it, is garbage.
            let garbage = try await store.garbage(limit: 10, intentAge: 3600)
            #expect(garbage.map(\.layout.diskIds) == [["osd1-d1"]])
            try await store.ackGarbage(ids: garbage.map(\.id))
            // The same move again (another worker), or one from a disk the shard left: nothing changes.
            #expect(try await store.moveShards(dataId: layout.dataId, moves: [move]) == moved)
            let toUsed = ShardMove(index: 1, from: "osd2-d1", to: "osd3-d1")
            #expect(try await store.moveShards(dataId: layout.dataId, moves: [toUsed]) == moved)
            #expect(try await store.garbage(limit: 10, intentAge: 3600).isEmpty)
            // Back to a disk that still has garbage of the data queued: that garbage spares it.
            let back = ShardMove(index: 0, from: "spare-d1", to: "osd1-d1")
            let returned = try #require(try await store.moveShards(dataId: layout.dataId, moves: [back]))
            #expect(returned.diskIds == layout.diskIds)
            let again = ShardMove(index: 0, from: "osd1-d1", to: "spare-d1")
            _ = try await store.moveShards(dataId: layout.dataId, moves: [again])
            _ = try await store.moveShards(dataId: layout.dataId, moves: [back])
            for item in try await store.garbage(limit: 10, intentAge: 3600) {
                #expect(!item.layout.diskIds.contains("osd1-d1"))
            }
            // Deleting the object queues the data where it is now.
            #expect(try await store.moveShards(dataId: "nope", moves: [move]) == nil)
            _ = try await store.moveShards(dataId: layout.dataId, moves: [again])
            _ = try await store.deleteObject(bucket: "b", key: "k")
            let all = try await store.garbage(limit: 20, intentAge: 3600).map(\.layout.diskIds)
            #expect(all.contains(["spare-d1"] + layout.diskIds.dropFirst()))
        }
    }

    @Test("a pool's disks change only safely; shard bytes per disk; a rebalance ends only as the worker saw it")
    func poolDisksAndRebalance() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layout = TestFixtures.layout(size: 4001)
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: layout))
            // One shard of 4001 bytes over 4 data shards: 1001 bytes on each of its disks.
            #expect(
                try await store.diskLoads(poolId: "default")
                    == Dictionary(uniqueKeysWithValues: layout.diskIds.map { ($0, Int64(1001)) }))
            #expect(try await store.diskLoads(poolId: "rep3").isEmpty)
            let pool = { try await store.topology().pools.first { $0.id == "default" }! }
            let disks = try await pool().disks
            try await store.addDisk(id: "osd1-d3", serverId: "osd1")
            try await store.setPoolDisks(id: "default", disks: disks + ["osd1-d3"])
            #expect(try await pool().disks == disks + ["osd1-d3"])
            // A disk left out must hold none of the pool's shards; a disk appears once; the pool must exist.
            let dropped = Array(disks.dropFirst()) + ["osd1-d3"]
            #expect(
                await TestFixtures.errorCode { try await store.setPoolDisks(id: "default", disks: dropped) }
                    == .conflict)
            #expect(
                await TestFixtures.errorCode { try await store.setPoolDisks(id: "default", disks: disks + [disks[0]]) }
                    == .invalidArgument)
            #expect(
                await TestFixtures.errorCode { try await store.setPoolDisks(id: "nope", disks: disks) } == .notFound)
            try await store.setPoolDisks(id: "default", disks: disks)
            #expect(try await pool().disks == disks)

            #expect(try await pool().rebalanceSince == nil)
            try await store.setRebalance(poolId: "default", on: true)
            let since = try #require(try await pool().rebalanceSince)
            try await store.setRebalance(poolId: "default", on: true)
            #expect(try await pool().rebalanceSince == since, "asked again: the same rebalance")
            try await store.finishRebalance(poolId: "default", since: since.addingTimeInterval(-5))
            #expect(try await pool().rebalanceSince == since, "a worker that saw another rebalance ends nothing")
            try await store.finishRebalance(poolId: "default", since: since)
            #expect(try await pool().rebalanceSince == nil)
            try await store.setRebalance(poolId: "default", on: true)
            try await store.setRebalance(poolId: "default", on: false)
            #expect(try await pool().rebalanceSince == nil)
            #expect(
                await TestFixtures.errorCode { try await store.setRebalance(poolId: "nope", on: true) } == .notFound)
        }
    }
}
