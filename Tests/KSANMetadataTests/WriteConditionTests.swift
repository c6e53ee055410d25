import Foundation
import Testing

@testable import KSANMetadata

@Suite("Conditional writes", .enabled(if: TestEnvironment.postgresEnabled))
struct WriteConditionTests {
    @Test func createOnlyAndIfMatch() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let createOnly = WriteCondition(ifNoneMatchAny: true)
            _ = try await store.putObject(
                TestFixtures.version(bucket: "b", key: "k", etag: "e1"), condition: createOnly)
            let again = await TestFixtures.errorCode {
                _ = try await store.putObject(
                    TestFixtures.version(bucket: "b", key: "k", etag: "e2"), condition: createOnly)
            }
            #expect(again == .preconditionFailed)
            #expect(try await store.object(bucket: "b", key: "k")?.etag == "e1")
            let wrong = await TestFixtures.errorCode {
                _ = try await store.putObject(
                    TestFixtures.version(bucket: "b", key: "k", etag: "e3"), condition: WriteCondition(ifMatch: ["x"]))
            }
            #expect(wrong == .preconditionFailed)
            _ = try await store.putObject(
                TestFixtures.version(bucket: "b", key: "k", etag: "e4"), condition: WriteCondition(ifMatch: ["e1"]))
            #expect(try await store.object(bucket: "b", key: "k")?.etag == "e4")
            let absent = await TestFixtures.errorCode {
                _ = try await store.putObject(
                    TestFixtures.version(bucket: "b", key: "none", etag: "e"), condition: WriteCondition(ifMatch: ["*"])
                )
            }
            #expect(absent == .noSuchKey)
        }
    }

    @Test func concurrentCreateOnlyWritesHaveExactlyOneWinner() async throws {
        try await TestDatabase.withStore(maxConnections: 6) { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await store.putObject(
                                TestFixtures.version(bucket: "b", key: "race", etag: "e\(i)"),
                                condition: WriteCondition(ifNoneMatchAny: true))
                            return true
                        } catch let error as MetadataError where error.code == .preconditionFailed {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        }
    }
}
