import Foundation
import PostgresNIO
import Testing

@testable import KSANMetadata

/// Regression tests of the hardening issue in the metadata store: bucket ids checked on every call, commits that
/// need their write intent, intents on the database's clock, the garbage grace period, repair report numbers,
/// server failures answered as unavailability, and input that used to reach trapping arithmetic or PostgreSQL
/// errors.
@Suite("Metadata hardening", .enabled(if: TestEnvironment.postgresEnabled))
struct HardeningStoreTests {
    static func code(_ body: () async throws -> Void) async -> MetadataError.Code? {
        await TestFixtures.errorCode(body)
    }

    @Test func everyCallOnABucketChecksItsId() async throws {
        try await TestDatabase.withStore { store in
            let first = TestFixtures.bucket("b")
            try await store.createBucket(first)
            let old = BucketRef(first)
            let upload = TestFixtures.upload(bucket: "b", key: "up")
            try await store.createUpload(upload, in: old)
            _ = try await store.abortUpload(bucket: old, key: "up", uploadId: upload.uploadId)
            _ = try await store.deleteBucket(old)
            // The name is taken again, by another owner: a new bucket, with another id.
            var second = TestFixtures.bucket("b", owner: "owner-2")
            second.id = "id-b-again"
            try await store.createBucket(second)
            let current = BucketRef(second)
            let layout = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
            let version = TestFixtures.version(bucket: "b", key: "k", layout: layout)
            let again = TestFixtures.upload(bucket: "b", key: "up")
            let calls: [(String, () async throws -> Void)] = [
                ("object", { _ = try await store.object(bucket: old, key: "k") }),
                ("putObject", { _ = try await store.putObject(version, in: old, condition: WriteCondition()) }),
                ("deleteObject", { _ = try await store.deleteObject(bucket: old, key: "k") }),
                ("listObjects", { _ = try await store.listObjects(bucket: old, query: ListObjectsQuery()) }),
                ("createUpload", { try await store.createUpload(again, in: old) }),
                ("listUploads", { _ = try await store.listUploads(bucket: old, query: ListUploadsQuery()) }),
                ("deleteBucket", { _ = try await store.deleteBucket(old) }),
            ]
            for (name, call) in calls {
                #expect(await Self.code(call) == .noSuchBucket, "\(name)")
            }
            // The current id works, and nothing was written through the old one.
            #expect(try await store.object(bucket: current, key: "k") == nil)
            _ = try await store.putObject(version, in: current, condition: WriteCondition())
            #expect(try await store.object(bucket: current, key: "k")?.etag == version.etag)
            try await store.createUpload(again, in: current)
            let part = TestFixtures.part(1, etag: "00", layout: TestFixtures.layout())
            let uploadCalls: [(String, () async throws -> Void)] = [
                ("upload", { _ = try await store.upload(bucket: old, key: "up", uploadId: again.uploadId) }),
                (
                    "putPart",
                    { _ = try await store.putPart(bucket: old, key: "up", uploadId: again.uploadId, part: part) }
                ),
                (
                    "listParts",
                    {
                        _ = try await store.listParts(
                            bucket: old, key: "up", uploadId: again.uploadId, partNumberMarker: 0, maxParts: 10)
                    }
                ),
                (
                    "completeUpload",
                    {
                        _ = try await store.completeUpload(
                            bucket: old, key: "up", uploadId: again.uploadId,
                            parts: [CompletedPart(partNumber: 1, etag: "00")], condition: WriteCondition(),
                            headers: nil)
                    }
                ),
                ("abortUpload", { _ = try await store.abortUpload(bucket: old, key: "up", uploadId: again.uploadId) }),
            ]
            for (name, call) in uploadCalls {
                #expect(await Self.code(call) == .noSuchBucket, "\(name)")
            }
            #expect(try await store.upload(bucket: current, key: "up", uploadId: again.uploadId) != nil)
        }
    }

    @Test func aCommitNeedsItsWriteIntentOrAPlacement() async throws {
        try await TestDatabase.withStore { store in
            let bucket = TestFixtures.bucket("b")
            try await store.createBucket(bucket)
            let ref = BucketRef(bucket)
            // Never registered: refused, and nothing became visible.
            let unregistered = TestFixtures.version(bucket: "b", key: "k", layout: TestFixtures.layout())
            #expect(
                await Self.code { _ = try await store.putObject(unregistered, in: ref, condition: WriteCondition()) }
                    == .dataExpired)
            #expect(try await store.object(bucket: ref, key: "k") == nil)

            // Registered, then judged abandoned by garbage collection: refused too.
            let layout = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
            #expect(try await store.touchIntent(dataId: layout.dataId))
            try await store.age(intents: [layout.dataId], by: 7200)
            #expect(try await store.garbage(limit: 10, intentAge: 3600).map(\.layout.dataId) == [layout.dataId])
            #expect(try await !store.touchIntent(dataId: layout.dataId), "the writer learns its intent is gone")
            let late = TestFixtures.version(bucket: "b", key: "k", layout: layout)
            #expect(
                await Self.code { _ = try await store.putObject(late, in: ref, condition: WriteCondition()) }
                    == .dataExpired)
            #expect(try await store.object(bucket: ref, key: "k") == nil)

            // A write that marks its intent alive is not judged abandoned, however long ago it started.
            let long = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: long, createdAt: Date()))
            try await store.age(intents: [long.dataId], by: 7200)
            #expect(try await store.touchIntent(dataId: long.dataId))
            #expect(try await store.garbage(limit: 10, intentAge: 3600).map(\.layout.dataId) == [layout.dataId])
            _ = try await store.putObject(
                TestFixtures.version(bucket: "b", key: "k", layout: long), in: ref, condition: WriteCondition())
            // Committed data referenced again (its placement exists) needs no intent.
            _ = try await store.putObject(
                TestFixtures.version(bucket: "b", key: "k2", layout: long), in: ref, condition: WriteCondition())
            #expect(try await store.placementCount(long.dataId) == 2)
        }
    }

    @Test func garbageWaitsForItsGracePeriod() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let first = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: first))
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: TestFixtures.layout()))
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 3600).isEmpty)
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0).map(\.layout) == [first])
        }
    }

    /// (A query actually killed by the server is tested over real processes, in KSANIntegrationTests.)
    @Test func serverFailuresAreUnavailabilityNotInternalErrors() {
        #expect(PostgresMetadataStore.isUnavailability(sqlState: "57P01"), "admin_shutdown: a fast shutdown")
        #expect(PostgresMetadataStore.isUnavailability(sqlState: "57P02"), "crash_shutdown")
        #expect(PostgresMetadataStore.isUnavailability(sqlState: "57P03"), "cannot_connect_now")
        #expect(PostgresMetadataStore.isUnavailability(sqlState: "08006"), "connection_failure")
        #expect(PostgresMetadataStore.isUnavailability(sqlState: "53300"), "too_many_connections")
        #expect(!PostgresMetadataStore.isUnavailability(sqlState: "57014"), "a cancelled statement is not")
        #expect(!PostgresMetadataStore.isUnavailability(sqlState: "23505"))
        #expect(!PostgresMetadataStore.isUnavailability(sqlState: "22021"))
    }

    @Test func layoutsAndVersionsThatCouldTrapTheDataPathAreRefused() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            var layouts: [String: DataLayout] = [:]
            var zeroBlock = TestFixtures.layout()
            zeroBlock.blockSize = 0
            layouts["zero block size"] = zeroBlock
            var fewDisks = TestFixtures.layout()
            fewDisks.diskIds.removeLast()
            layouts["fewer disks than shards"] = fewDisks
            var noShards = TestFixtures.layout()
            noShards.dataShards = 0
            layouts["no data shards"] = noShards
            var huge = TestFixtures.layout()
            huge.dataShards = Int.max
            layouts["overflowing shard count"] = huge
            var negative = TestFixtures.layout(size: -1)
            negative.size = -1
            layouts["negative size"] = negative
            var badId = TestFixtures.layout()
            badId.dataId = "../../etc"
            layouts["path in the data id"] = badId
            for (name, layout) in layouts {
                #expect(
                    await Self.code { try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date())) }
                        == .invalidArgument, "\(name)")
                #expect(await Self.code { try await store.queueRepair(layout) } == .invalidArgument, "\(name)")
            }
            var sizes = TestFixtures.version(bucket: "b", key: "k", inline: Data("ab".utf8))
            sizes.segments = [ObjectSegment(size: Int64.max), ObjectSegment(size: 1)]
            sizes.size = Int64.min
            #expect(await Self.code { _ = try await store.putObject(sizes) } == .invalidArgument)
            var parts = TestFixtures.version(bucket: "b", key: "k", inline: Data("ab".utf8))
            parts.partCount = 3
            #expect(await Self.code { _ = try await store.putObject(parts) } == .invalidArgument)
            var shortInline = TestFixtures.version(bucket: "b", key: "k", inline: Data("ab".utf8))
            shortInline.size = 10
            shortInline.segments[0].size = 10
            #expect(await Self.code { _ = try await store.putObject(shortInline) } == .invalidArgument)
            var farFuture = TestFixtures.version(bucket: "b", key: "k", inline: Data("ab".utf8))
            farFuture.lastModified = Date(timeIntervalSince1970: 1e13)
            #expect(await Self.code { _ = try await store.putObject(farFuture) } == .invalidArgument)
            var metadata = TestFixtures.version(bucket: "b", key: "k", inline: Data("ab".utf8))
            metadata.userMetadata = Dictionary(uniqueKeysWithValues: (0..<70_000).map { ("k\($0)", "v") })
            #expect(await Self.code { _ = try await store.putObject(metadata) } == .invalidArgument)

            let upload = TestFixtures.upload(bucket: "b", key: "up")
            try await store.createUpload(upload)
            var negativePart = TestFixtures.part(1, etag: "00", layout: TestFixtures.layout())
            negativePart.segment = ObjectSegment(size: -10)
            #expect(
                await Self.code {
                    _ = try await store.putPart(bucket: "b", key: "up", uploadId: upload.uploadId, part: negativePart)
                } == .invalidArgument)
            var bucketFromTheFuture = TestFixtures.bucket("future")
            bucketFromTheFuture.createdAt = Date(timeIntervalSince1970: -1e13)
            #expect(await Self.code { try await store.createBucket(bucketFromTheFuture) } == .invalidArgument)

            // A pool whose shard counts overflow is an invalid topology, not a crash.
            var topology = TestFixtures.topology
            topology.pools[1].replicas = Int.min
            #expect(await Self.code { try await store.loadTopology(topology) } == .invalidTopology)
            topology = TestFixtures.topology
            topology.pools[0].k = Int.max
            #expect(await Self.code { try await store.loadTopology(topology) } == .invalidTopology)
        }
    }

    @Test func theScrubLearnsWhatDisksHoldAndWhichDataIsUnknown() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            var committed: [DataLayout] = []
            for index in 0..<5 {
                let layout = TestFixtures.layout()
                committed.append(layout)
                _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k\(index)", layout: layout))
            }
            let writing = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: writing, createdAt: Date()))
            let displaced = committed[0]
            _ = try await store.deleteObject(bucket: "b", key: "k0")
            var seen: [String] = []
            var after: String?
            while true {
                let page = try await store.placements(diskIds: ["osd1-d1"], after: after, limit: 2)
                guard let last = page.last else { break }
                seen += page.map(\.dataId)
                after = last.dataId
            }
            #expect(Set(seen) == Set(committed.dropFirst().map(\.dataId)))
            #expect(try await store.placements(diskIds: ["nowhere"], after: nil, limit: 10).isEmpty)
            let unknown = try await store.unknownDataIds(
                [committed[1].dataId, writing.dataId, displaced.dataId, "orphan-1", "orphan-2"])
            #expect(Set(unknown) == ["orphan-1", "orphan-2"], "committed, being written and garbage are known")
            // On a disk: committed data whose placement does not name it is unknown there (a relocated copy whose
            // move was never recorded); being written and garbage stay known.
            let onDisk = try await store.unknownDataIds(
                [committed[1].dataId, writing.dataId, displaced.dataId, "orphan-1"], onDisk: "osd1-d1")
            #expect(Set(onDisk) == ["orphan-1"])
            let elsewhere = try await store.unknownDataIds(
                [committed[1].dataId, writing.dataId, displaced.dataId, "orphan-1"], onDisk: "osd9-d1")
            #expect(Set(elsewhere) == [committed[1].dataId, "orphan-1"])
        }
    }

    @Test func theHTTPAPIRefusesNULsAsTheCallersError() async throws {
        try await HTTPAPITests.withService { baseURL, _ in
            let (status, body) = try await HTTPAPITests.raw(
                baseURL + "/v1/objects/get", body: #"{"bucket":{"name":"a\u0000b"},"key":"k"}"#)
            #expect(status == 400, "\(body)")
            #expect(body.contains("InvalidArgument"))
            // An escaped backslash followed by the text u0000 is not a NUL.
            let (plain, _) = try await HTTPAPITests.raw(
                baseURL + "/v1/objects/get", body: #"{"bucket":{"name":"nobucket"},"key":"a\\u0000"}"#)
            #expect(plain == 404)
        }
    }
}
