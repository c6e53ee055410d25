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
