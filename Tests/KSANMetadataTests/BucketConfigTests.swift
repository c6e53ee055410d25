import Foundation
import Testing

@testable import KSANMetadata

/// A bucket's configurations: one document per kind, replaced, deleted, each change an event, gone with the bucket
/// (a bucket re-created under the same name starts with none), and refused for a bucket that is not there.
@Suite("Bucket configurations", .enabled(if: TestEnvironment.postgresEnabled))
struct BucketConfigTests {
    @Test func storedReplacedDeletedAndGoneWithTheBucket() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let b = BucketRef.unchecked("b")
            #expect(try await store.bucketConfig(b, kind: .tagging) == nil)
            let events = try await store.outboxBacklog().pending
            try await store.setBucketConfig(b, kind: .tagging, document: #"{"tags":[]}"#)
            try await store.setBucketConfig(b, kind: .tagging, document: #"{"tags":[{"key":"a","value":"b"}]}"#)
            try await store.setBucketConfig(b, kind: .requestPayment, document: #"{"payer":"Requester"}"#)
            #expect(try await store.bucketConfig(b, kind: .tagging) == #"{"tags":[{"key":"a","value":"b"}]}"#)
            #expect(try await store.bucketConfig(b, kind: .requestPayment) == #"{"payer":"Requester"}"#)
            try await store.setBucketConfig(b, kind: .tagging, document: nil)
            try await store.setBucketConfig(b, kind: .tagging, document: nil)  // nothing to delete: no event
            #expect(try await store.bucketConfig(b, kind: .tagging) == nil)
            #expect(try await store.outboxBacklog().pending == events + 4)

            // Another id under the name: refused, as every call naming a bucket by reference.
            let stale = BucketRef(name: "b", id: "not-its-id")
            #expect(
                await TestFixtures.errorCode { _ = try await store.bucketConfig(stale, kind: .tagging) }
                    == .noSuchBucket)
            #expect(
                await TestFixtures.errorCode { try await store.setBucketConfig(stale, kind: .tagging, document: "{}") }
                    == .noSuchBucket)
            #expect(
                await TestFixtures.errorCode {
                    try await store.setBucketConfig(.unchecked("nope"), kind: .tagging, document: "{}")
                } == .noSuchBucket)

            _ = try await store.deleteBucket(name: "b")
            try await store.createBucket(TestFixtures.bucket("b"))
            #expect(try await store.bucketConfig(b, kind: .requestPayment) == nil)
        }
    }
}

/// An object's tag set set in place on its current version (kept among its headers), with an event; NoSuchKey
/// without one.
@Suite("Object tagging in the store", .enabled(if: TestEnvironment.postgresEnabled))
struct ObjectTaggingStoreTests {
    @Test func setInPlaceRemovedAndRefusedWithoutAnObject() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("t"))
            var version = TestFixtures.version(bucket: "t", key: "k", inline: Data("v".utf8))
            version.headers["content-language"] = "ko"
            _ = try await store.putObject(version)
            let events = try await store.outboxBacklog().pending
            try await store.setObjectTagging(bucket: .unchecked("t"), key: "k", tagging: "a=1&b=2")
            var stored = try #require(try await store.object(bucket: .unchecked("t"), key: "k"))
            #expect(stored.headers["x-amz-tagging"] == "a=1&b=2" && stored.headers["content-language"] == "ko")
            #expect(stored.etag == version.etag && stored.size == version.size)
            try await store.setObjectTagging(bucket: .unchecked("t"), key: "k", tagging: nil)
            stored = try #require(try await store.object(bucket: .unchecked("t"), key: "k"))
            #expect(stored.headers["x-amz-tagging"] == nil && stored.headers["content-language"] == "ko")
            #expect(try await store.outboxBacklog().pending == events + 2)
            #expect(
                await TestFixtures.errorCode {
                    try await store.setObjectTagging(bucket: .unchecked("t"), key: "missing", tagging: "a=1")
                } == .noSuchKey)
            #expect(try await store.outboxBacklog().pending == events + 2)
        }
    }
}
