import Foundation
import Testing

@testable import KSANMetadata

@Suite("Completed uploads are remembered for retries", .enabled(if: TestEnvironment.postgresEnabled))
struct CompletedUploadTests {
    static let mib: Int64 = 1024 * 1024
    static let etags = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]

    /// Bucket `b` with an upload of `k` of two stored parts (5 MiB and 1 KiB).
    static func upload(_ store: PostgresMetadataStore) async throws -> MultipartUpload {
        if try await store.bucket(name: "b") == nil { try await store.createBucket(TestFixtures.bucket("b")) }
        let upload = TestFixtures.upload(bucket: "b", key: "k")
        try await store.createUpload(upload)
        for (index, size) in [5 * mib, 1024].enumerated() {
            let layout = TestFixtures.layout(size: size)
            try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(index + 1, etag: etags[index], layout: layout))
        }
        return upload
    }

    static var parts: [CompletedPart] {
        [CompletedPart(partNumber: 1, etag: "\"\(etags[0])\""), CompletedPart(partNumber: 2, etag: etags[1])]
    }

    @Test func aCompletionIsRememberedWithItsPartsAndResponse() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.upload(store)
            let bucket = try #require(try await store.bucket(name: "b"))
            #expect(
                try await store.completedUpload(bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId) == nil)
            let (version, _) = try await store.completeUpload(
                bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId, parts: Self.parts,
                condition: WriteCondition(), headers: nil,
                responseElements: ["ChecksumCRC32": "AAAAAA==-2", "ChecksumType": "COMPOSITE"])
            let completed = try #require(
                try await store.completedUpload(bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId))
            #expect(completed.etag == version.etag)
            #expect(completed.responseElements == ["ChecksumCRC32": "AAAAAA==-2", "ChecksumType": "COMPOSITE"])
            // The digest ignores quotes and case, and tells another part list apart.
            #expect(
                completed.partsDigest
                    == CompletedUpload.digest(
                        of: Self.parts.map { CompletedPart(partNumber: $0.partNumber, etag: $0.etag.uppercased()) }))
            #expect(completed.partsDigest != CompletedUpload.digest(of: [Self.parts[0]]))
            // Another key, another upload id: nothing.
            #expect(
                try await store.completedUpload(bucket: BucketRef(bucket), key: "k2", uploadId: upload.uploadId) == nil)
            #expect(try await store.completedUpload(bucket: BucketRef(bucket), key: "k", uploadId: "other") == nil)
            // Completing again is NoSuchUpload for the store: the retry is answered from the record.
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.completeUpload(
                        bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId, parts: Self.parts,
                        condition: WriteCondition(), headers: nil)
                } == .noSuchUpload)
        }
    }

    @Test func aBucketCreatedAgainUnderTheNameDoesNotAnswerForTheOldOne() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.upload(store)
            let old = try #require(try await store.bucket(name: "b"))
            _ = try await store.completeUpload(
                bucket: BucketRef(old), key: "k", uploadId: upload.uploadId, parts: Self.parts,
                condition: WriteCondition(), headers: nil)
            _ = try await store.deleteObject(bucket: BucketRef(old), key: "k")
            _ = try await store.deleteBucket(BucketRef(old))
            var again = TestFixtures.bucket("b")
            again.id = "id-b-again"
            try await store.createBucket(again)
            let new = try #require(try await store.bucket(name: "b"))
            #expect(try await store.completedUpload(bucket: BucketRef(new), key: "k", uploadId: upload.uploadId) == nil)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.completedUpload(bucket: BucketRef(old), key: "k", uploadId: upload.uploadId)
                } == .noSuchBucket)
        }
    }

    @Test func recordsOlderThanTheRetentionAreForgottenAndPruned() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.upload(store)
            let bucket = try #require(try await store.bucket(name: "b"))
            _ = try await store.completeUpload(
                bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId, parts: Self.parts,
                condition: WriteCondition(), headers: nil)
            try await store.client.query(
                "UPDATE completed_uploads SET completed_at = now() - interval '1 day 1 minute'")
            #expect(
                try await store.completedUpload(bucket: BucketRef(bucket), key: "k", uploadId: upload.uploadId) == nil)
            _ = try await store.garbage(limit: 0, intentAge: 3600, grace: 0)
            let rows = try await store.client.query("SELECT count(*) FROM completed_uploads")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }
}
