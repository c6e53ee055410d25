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
}
