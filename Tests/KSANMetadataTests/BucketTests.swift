import Foundation
import Testing

@testable import KSANMetadata

@Suite("Buckets and users", .enabled(if: TestEnvironment.postgresEnabled))
struct BucketTests {
    @Test func createGetListAndDelete() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("beta"))
            try await store.createBucket(TestFixtures.bucket("alpha"))
            try await store.createBucket(TestFixtures.bucket("other", owner: "owner-2"))
            let bucket = try #require(try await store.bucket(name: "alpha"))
            #expect(bucket == TestFixtures.bucket("alpha"))
            #expect(try await store.bucket(name: "missing") == nil)
            #expect(try await store.listBuckets(ownerId: TestFixtures.owner).map(\.name) == ["alpha", "beta"])
            #expect(try await store.deleteBucket(name: "alpha").isEmpty)
            #expect(try await store.bucket(name: "alpha") == nil)
            #expect(await TestFixtures.errorCode { _ = try await store.deleteBucket(name: "alpha") } == .noSuchBucket)
        }
    }

    @Test func nameCollisions() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("taken"))
            #expect(
                await TestFixtures.errorCode { try await store.createBucket(TestFixtures.bucket("taken")) }
                    == .bucketAlreadyOwnedByYou
            )
            #expect(
                await TestFixtures.errorCode {
                    try await store.createBucket(TestFixtures.bucket("taken", owner: "someone-else"))
                } == .bucketAlreadyExists
            )
            var unknownPool = TestFixtures.bucket("nopool")
            unknownPool.poolId = "nope"
            #expect(await TestFixtures.errorCode { try await store.createBucket(unknownPool) } == .noSuchPool)
        }
    }

    @Test func aBucketWithObjectsIsNotDeletedAndUploadsAreAborted() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("full"))
            _ = try await store.putObject(TestFixtures.version(bucket: "full", key: "k", layout: TestFixtures.layout()))
            #expect(await TestFixtures.errorCode { _ = try await store.deleteBucket(name: "full") } == .bucketNotEmpty)
            _ = try await store.deleteObject(bucket: "full", key: "k")

            let upload = TestFixtures.upload(bucket: "full", key: "big")
            try await store.createUpload(upload)
            let partLayout = TestFixtures.layout()
            _ = try await store.putPart(
                bucket: "full", key: "big", uploadId: upload.uploadId,
                part: TestFixtures.part(1, etag: "00", layout: partLayout)
            )
            let garbage = try await store.deleteBucket(name: "full")
            #expect(garbage == [partLayout])
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.upload(bucket: "full", key: "big", uploadId: upload.uploadId)
                } == .noSuchBucket)
            let queued = try await store.garbage(limit: 100, intentAge: 3600).map(\.layout.dataId)
            #expect(queued.contains(partLayout.dataId))
        }
    }

    @Test func ensureUserCreatesAndRotatesKeys() async throws {
        try await TestDatabase.withStore { store in
            let admin = try await store.ensureUser(accessKeyId: "AKIDADMIN", secretKey: "s1", displayName: "admin")
            #expect(admin.userId.count == 64)
            #expect(try await store.accessKey(id: "AKIDADMIN") == admin)
            let rotated = try await store.ensureUser(accessKeyId: "AKIDADMIN", secretKey: "s2", displayName: "admin")
            #expect(rotated.userId == admin.userId)
            #expect(try await store.accessKey(id: "AKIDADMIN")?.secretKey == "s2")
            let second = try await store.ensureUser(accessKeyId: "AKIDNEW", secretKey: "s3", displayName: "admin")
            #expect(second.userId == admin.userId)
            #expect(try await store.accessKey(id: "AKIDMISSING") == nil)
            #expect(!admin.description.contains("s1"))
        }
    }
}
