import Foundation
import Testing

@testable import KSANMetadata

/// Object lock in the store: the configuration, default retention, and enforcement by the database's clock.
@Suite("Object lock", .enabled(if: TestEnvironment.postgresEnabled))
struct ObjectLockTests {
    static func lockedBucket(_ store: PostgresMetadataStore, _ name: String = "b") async throws {
        var record = TestFixtures.bucket(name)
        record.versioning = .enabled
        record.objectLock = true
        try await store.createBucket(record)
    }

    static func put(_ store: PostgresMetadataStore, _ key: String, headers: [String: String] = [:]) async throws
        -> String
    {
        var version = TestFixtures.version(bucket: "b", key: key, layout: TestFixtures.layout())
        version.headers = headers
        for layout in version.layouts { try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date())) }
        return try await store.commitObject(version, in: .unchecked("b"), condition: WriteCondition()).versionId
    }

    static func code(_ body: () async throws -> Void) async -> MetadataError.Code? {
        await TestFixtures.errorCode(body)
    }

    @Test func configurationNeedsVersioningAndLockForbidsSuspending() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("plain"))
            let plain = BucketRef.unchecked("plain")
            #expect(
                await Self.code { try await store.setObjectLockConfiguration(plain, defaultRetention: nil) }
                    == .invalidBucketState)
            try await store.setVersioning(plain, status: .enabled)
            try await store.setObjectLockConfiguration(
                plain, defaultRetention: DefaultRetention(mode: .governance, years: 1))
            let record = try #require(try await store.bucket(name: "plain"))
            #expect(record.objectLock && record.defaultRetention == DefaultRetention(mode: .governance, years: 1))
            #expect(await Self.code { try await store.setVersioning(plain, status: .suspended) } == .invalidBucketState)
            #expect(
                await Self.code {
                    try await store.setObjectLockConfiguration(
                        plain, defaultRetention: DefaultRetention(mode: .governance, days: 1, years: 1))
                } == .invalidArgument)
            try await Self.lockedBucket(store)
            #expect(try await store.bucket(name: "b")?.versioning == .enabled)
        }
    }

    @Test func retentionAndLegalHoldProtectVersionsButNotFromMarkers() async throws {
        try await TestDatabase.withStore { store in
            try await Self.lockedBucket(store)
            let bucket = BucketRef.unchecked("b")
            let future = Date().addingTimeInterval(3600)
            let governed = try await Self.put(store, "g")
            _ = try await store.setObjectRetention(
                bucket: bucket, key: "g", versionId: governed, mode: .governance, retainUntil: future,
                bypassGovernance: false)
            // A delete without an id makes a marker; by id it is refused, unless governance is bypassed.
            #expect(try await store.deleteObject(bucket: bucket, key: "g", versionId: nil).isDeleteMarker)
            #expect(
                await Self.code { _ = try await store.deleteObject(bucket: bucket, key: "g", versionId: governed) }
                    == .accessDenied)
            // Shortening needs the bypass; extending does not.
            #expect(
                await Self.code {
                    _ = try await store.setObjectRetention(
                        bucket: bucket, key: "g", versionId: governed, mode: .governance,
                        retainUntil: future.addingTimeInterval(-60),
                        bypassGovernance: false)
                } == .accessDenied)
            _ = try await store.setObjectRetention(
                bucket: bucket, key: "g", versionId: governed, mode: .governance,
                retainUntil: future.addingTimeInterval(60),
                bypassGovernance: false)
            _ = try await store.deleteObject(bucket: bucket, key: "g", versionId: governed, bypassGovernance: true)
            #expect(try await store.object(bucket: bucket, key: "g", versionId: governed) == nil)

            // COMPLIANCE: never deleted, never shortened, not even with the bypass.
            let complied = try await Self.put(
                store, "c",
                headers: [
                    ObjectLockHeaders.mode: "COMPLIANCE",
                    ObjectLockHeaders.retainUntil: ObjectLockHeaders.format(future),
                ])
            #expect(
                await Self.code {
                    _ = try await store.deleteObject(
                        bucket: bucket, key: "c", versionId: complied, bypassGovernance: true)
                } == .accessDenied)
            #expect(
                await Self.code {
                    _ = try await store.setObjectRetention(
                        bucket: bucket, key: "c", versionId: complied, mode: .governance,
                        retainUntil: future.addingTimeInterval(600),
                        bypassGovernance: true)
                } == .accessDenied)
            #expect(
                await Self.code {
                    _ = try await store.setObjectRetention(
                        bucket: bucket, key: "c", versionId: complied, mode: nil, retainUntil: nil,
                        bypassGovernance: true)
                } == .accessDenied)

            // A legal hold blocks deletion until it is removed, bypass or not.
            let held = try await Self.put(store, "h")
            _ = try await store.setObjectLegalHold(bucket: bucket, key: "h", versionId: nil, on: true)
            #expect(
                await Self.code {
                    _ = try await store.deleteObject(bucket: bucket, key: "h", versionId: held, bypassGovernance: true)
                } == .accessDenied)
            _ = try await store.setObjectLegalHold(bucket: bucket, key: "h", versionId: held, on: false)
            _ = try await store.deleteObject(bucket: bucket, key: "h", versionId: held)

            // A retention that has run out protects nothing.
            let expired = try await Self.put(
                store, "e",
                headers: [
                    ObjectLockHeaders.mode: "COMPLIANCE",
                    ObjectLockHeaders.retainUntil: ObjectLockHeaders.format(Date().addingTimeInterval(-5)),
                ])
            _ = try await store.deleteObject(bucket: bucket, key: "e", versionId: expired)
        }
    }

    @Test func defaultRetentionIsAppliedByTheDatabasesClock() async throws {
        try await TestDatabase.withStore { store in
            try await Self.lockedBucket(store)
            let bucket = BucketRef.unchecked("b")
            try await store.setObjectLockConfiguration(
                bucket, defaultRetention: DefaultRetention(mode: .compliance, days: 2))
            let id = try await Self.put(store, "d")
            let headers = try #require(try await store.object(bucket: bucket, key: "d", versionId: id)).headers
            #expect(headers[ObjectLockHeaders.mode] == "COMPLIANCE")
            let until = try Date(
                #require(headers[ObjectLockHeaders.retainUntil]),
                strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(abs(until.timeIntervalSinceNow - 2 * 86_400) < 120)
            // A version naming its own retention keeps it.
            let own = ObjectLockHeaders.format(Date().addingTimeInterval(600))
            let other = try await Self.put(
                store, "o", headers: [ObjectLockHeaders.mode: "GOVERNANCE", ObjectLockHeaders.retainUntil: own])
            #expect(
                try await store.object(bucket: bucket, key: "o", versionId: other)?.headers[
                    ObjectLockHeaders.retainUntil] == own)
            // Lock headers on a bucket without object lock are refused.
            try await store.createBucket(TestFixtures.bucket("plain"))
            var version = TestFixtures.version(bucket: "plain", key: "k", inline: Data("x".utf8))
            version.headers = [ObjectLockHeaders.legalHold: "ON"]
            #expect(await Self.code { _ = try await store.putObject(version) } == .invalidRequest)
            #expect(
                await Self.code {
                    _ = try await store.setObjectLegalHold(
                        bucket: .unchecked("plain"), key: "k", versionId: nil, on: true)
                } == .invalidRequest)
        }
    }
}
