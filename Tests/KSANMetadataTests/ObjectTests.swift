import Foundation
import Testing

@testable import KSANMetadata

@Suite("Objects", .enabled(if: TestEnvironment.postgresEnabled))
struct ObjectTests {
    @Test func putAndGetRoundTrip() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            var version = TestFixtures.version(bucket: "b", key: "dir/ünïcode 🎉?#%+", inline: Data("hello".utf8))
            version.userMetadata = ["colour": "grün", "empty": ""]
            version.headers = ["content-encoding": "gzip", "cache-control": "max-age=60"]
            version.contentType = "text/plain; charset=utf-8"
            #expect(try await store.putObject(version).isEmpty)
            let read = try #require(try await store.object(bucket: "b", key: version.key))
            #expect(read == version)
            #expect(read.segments.first?.inline == Data("hello".utf8))
            #expect(try await store.object(bucket: "b", key: "dir/other") == nil)
        }
    }

    @Test func overwriteReturnsAndQueuesTheDisplacedLayout() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let first = TestFixtures.layout()
            let second = TestFixtures.layout()
            #expect(try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: first)).isEmpty)
            #expect(try await store.placementCount(first.dataId) == 1)
            let displaced = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: second))
            #expect(displaced == [first])
            #expect(try await store.placementCount(first.dataId) == 0)
            #expect(try await store.placementCount(second.dataId) == 1)
            let queued = try await store.garbage(limit: 100, intentAge: 3600)
            #expect(queued.map(\.layout) == [first])
            try await store.ackGarbage(ids: queued.map(\.id))
            #expect(try await store.garbage(limit: 100, intentAge: 3600).isEmpty)
            #expect(try await store.object(bucket: "b", key: "k")?.layouts == [second])
        }
    }

    @Test func reputtingTheSameDataIsNotGarbage() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layout = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: layout))
            var metadataOnly = TestFixtures.version(bucket: "b", key: "k", layout: layout)
            metadataOnly.userMetadata = ["replaced": "yes"]
            #expect(try await store.putObject(metadataOnly).isEmpty)
            #expect(try await store.garbage(limit: 100, intentAge: 3600).isEmpty)
            #expect(try await store.deleteObject(bucket: "b", key: "k") == [layout])
        }
    }

    @Test func deleteReturnsTheLayoutsAndIgnoresMissingKeys() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layout = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: layout))
            #expect(try await store.deleteObject(bucket: "b", key: "k") == [layout])
            #expect(try await store.object(bucket: "b", key: "k") == nil)
            #expect(try await store.deleteObject(bucket: "b", key: "k").isEmpty)
            #expect(
                await TestFixtures.errorCode { _ = try await store.deleteObject(bucket: "nope", key: "k") }
                    == .noSuchBucket)
        }
    }

    @Test func putIntoAMissingBucketOrWithBadSizesFails() async throws {
        try await TestDatabase.withStore { store in
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putObject(TestFixtures.version(bucket: "nope", key: "k"))
                } == .noSuchBucket
            )
            try await store.createBucket(TestFixtures.bucket("b"))
            var wrong = TestFixtures.version(bucket: "b", key: "k", layout: TestFixtures.layout())
            wrong.size += 1
            #expect(await TestFixtures.errorCode { _ = try await store.putObject(wrong) } == .invalidArgument)
        }
    }

    @Test func concurrentPutsOfOneKeyLoseNoLayout() async throws {
        try await TestDatabase.withStore(maxConnections: 6) { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layouts = (0..<12).map { _ in TestFixtures.layout() }
            let displaced = try await withThrowingTaskGroup(of: [DataLayout].self) { group in
                for layout in layouts {
                    group.addTask {
                        try await store.putObject(TestFixtures.version(bucket: "b", key: "hot", layout: layout))
                    }
                }
                var all: [DataLayout] = []
                for try await result in group { all += result }
                return all
            }
            let current = try #require(try await store.object(bucket: "b", key: "hot")?.layouts.first)
            // Every layout but the winner's was displaced exactly once.
            #expect(Set(displaced.map(\.dataId)) == Set(layouts.map(\.dataId)).subtracting([current.dataId]))
            #expect(displaced.count == layouts.count - 1)
        }
    }

    @Test func intentsAreDroppedOnCommitAndAbandonedOnesBecomeGarbage() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let committed = TestFixtures.layout()
            let abandoned = TestFixtures.layout()
            let fresh = TestFixtures.layout()
            let dropped = TestFixtures.layout()
            // The caller's time is not trusted: intents are stamped with the database's clock.
            let future = Date().addingTimeInterval(86_400)
            for layout in [committed, abandoned, fresh, dropped] {
                try await store.registerIntent(WriteIntent(layout: layout, createdAt: future))
            }
            try await store.age(intents: [committed, abandoned, dropped].map(\.dataId), by: 3600)
            try await store.dropIntent(dataId: dropped.dataId)
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: committed))

            let garbage = try await store.garbage(limit: 100, intentAge: 600)
            #expect(garbage.map(\.layout) == [abandoned])
            // Moved, not copied: a second call returns the same queue entry, not a new one.
            #expect(try await store.garbage(limit: 100, intentAge: 600) == garbage)
            // With no age limit the fresh intent goes too.
            try await Task.sleep(for: .milliseconds(20))
            let all = try await store.garbage(limit: 100, intentAge: 0)
            #expect(all.map(\.layout.dataId) == [abandoned.dataId, fresh.dataId])
            #expect(try await store.garbage(limit: 1, intentAge: 0).count == 1)
        }
    }

    @Test func repairsAreListedForCommittedDataOnlyAndForgottenWhenNeverCommitted() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let committed = TestFixtures.layout()
            let writing = TestFixtures.layout()
            let neverCommitted = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: writing, createdAt: Date()))
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: committed))
            for layout in [committed, writing, neverCommitted, committed] { try await store.queueRepair(layout) }

            // Only committed data is repaired; the one being written waits, the uncommitted one waits its age.
            let queued = try await store.repairs(limit: 10, dropAfter: 3600)
            #expect(queued.map(\.layout) == [committed])
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await store.repairs(limit: 10, dropAfter: 0).map(\.layout) == [committed])
            let left = try await store.client.query("SELECT data_id FROM repair_queue ORDER BY data_id")
            var ids: [String] = []
            for try await id in left.decode(String.self) { ids.append(id) }
            #expect(ids == [committed.dataId, writing.dataId].sorted())

            // Damage reported again while the repair ran survives the repair's acknowledgement.
            try await store.queueRepair(committed)
            try await store.ackRepairs(queued)
            let again = try await store.repairs(limit: 10, dropAfter: 3600)
            #expect(again.map(\.layout) == [committed])
            #expect(again.first?.report != queued.first?.report)
            try await store.ackRepairs(again)
            #expect(try await store.repairs(limit: 10, dropAfter: 3600).isEmpty)
            // A scrub's report names only the data id: the layout comes from placement.
            #expect(try await store.queueRepair(dataId: committed.dataId))
            #expect(try await store.repairs(limit: 10, dropAfter: 3600).map(\.layout) == [committed])
            #expect(try await store.queueRepair(dataId: committed.dataId))  // already queued: still true
            #expect(try await !store.queueRepair(dataId: neverCommitted.dataId))
            try await store.ackRepairs(try await store.repairs(limit: 10, dropAfter: 3600))
            // Once the object is deleted, its queued repair is forgotten too.
            try await store.queueRepair(committed)
            _ = try await store.deleteObject(bucket: "b", key: "k")
            #expect(try await store.repairs(limit: 10, dropAfter: 0).isEmpty)
        }
    }
}

extension PostgresMetadataStore {
    /// Makes intents look `seconds` older than they are (their writer stopped marking them alive that long ago).
    func age(intents dataIds: [String], by seconds: Int) async throws {
        try await client.query(
            """
            UPDATE write_intents SET alive_at = alive_at - make_interval(secs => \(seconds)),
                                     created_at = created_at - make_interval(secs => \(seconds))
            WHERE data_id = ANY(\(dataIds))
            """)
    }

    /// The reference count of a data id in `placement` (0 when absent).
    func placementCount(_ dataId: String) async throws -> Int {
        let rows = try await client.query("SELECT refs FROM placement WHERE data_id = \(dataId)")
        for try await refs in rows.decode(Int.self) { return refs }
        return 0
    }
}
