import Foundation
import PostgresNIO
import Testing

@testable import KSANMetadata

/// Versioning in the store: ids, noncurrent versions, delete markers, the `null` version while suspended, and
/// ListObjectVersions over the `(bucket, key, seq DESC)` index.
@Suite("Versioning", .enabled(if: TestEnvironment.postgresEnabled))
struct VersioningTests {
    static func put(_ store: PostgresMetadataStore, _ key: String, layout: DataLayout? = nil, bucket: String = "b")
        async throws -> CommittedVersion
    {
        let version = TestFixtures.version(bucket: bucket, key: key, layout: layout ?? TestFixtures.layout())
        for layout in version.layouts { try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date())) }
        return try await store.commitObject(version, in: .unchecked(bucket), condition: WriteCondition())
    }

    static func versions(_ store: PostgresMetadataStore, bucket: String = "b", prefix: String = "") async throws
        -> [VersionSummary]
    {
        try await store.listObjectVersions(bucket: .unchecked(bucket), query: ListVersionsQuery(prefix: prefix))
            .versions
    }

    @Test func versionIdsAreOrderedByTheirSequenceAndWellFormed() {
        var generator = SystemRandomNumberGenerator()
        let ids = [0, 1, 35, 36, 1_000_000, Int64.max].map { VersionID.make(sequence: $0, using: &generator) }
        #expect(ids.allSatisfy { $0.count == VersionID.length })
        #expect(ids == ids.sorted())
        #expect(ids[1].hasPrefix("0000000000001") && ids[3].hasPrefix("0000000000010"))
        #expect(Set(ids.map { $0.dropFirst(13) }).count == ids.count)  // the random part differs
    }

    @Test func enabledBucketKeepsEveryVersionAndListsTheNewestFirst() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let before = try await Self.put(store, "k")
            #expect(before.versionId == "null")
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            #expect(try await store.bucket(name: "b")?.versioning == .enabled)
            let layouts = (0..<3).map { _ in TestFixtures.layout() }
            var ids: [String] = []
            for layout in layouts {
                let committed = try await Self.put(store, "k", layout: layout)
                #expect(committed.displaced.isEmpty)  // nothing is overwritten
                ids.append(committed.versionId)
            }
            #expect(Set(ids).count == 3 && ids == ids.sorted() && !ids.contains("null"))
            let listed = try await Self.versions(store)
            #expect(listed.map(\.versionId) == ids.reversed() + ["null"])
            #expect(listed.map(\.isLatest) == [true, false, false, false])
            #expect(try await store.object(bucket: "b", key: "k")?.layouts == [layouts[2]])
            #expect(
                try await store.object(bucket: .unchecked("b"), key: "k", versionId: ids[0])?.layouts == [layouts[0]])
            #expect(try await store.object(bucket: .unchecked("b"), key: "k", versionId: "null") != nil)
            #expect(try await store.object(bucket: .unchecked("b"), key: "k", versionId: "nope") == nil)
            // ListObjects shows the current version once.
            let objects = try await store.listObjects(bucket: "b", query: ListObjectsQuery())
            #expect(objects.objects.map(\.key) == ["k"])
            // Every version holds its data.
            for layout in layouts { #expect(try await store.placementCount(layout.dataId) == 1) }
            #expect(try await store.garbage(limit: 10, intentAge: 3600).isEmpty)
            #expect(
                await TestFixtures.errorCode { try await store.setVersioning(.unchecked("b"), status: .unversioned) }
                    == .invalidArgument)
            #expect(
                await TestFixtures.errorCode { try await store.setVersioning(.unchecked("nope"), status: .enabled) }
                    == .noSuchBucket)
        }
    }

    @Test func deleteMarkersHideTheKeyUntilRemoved() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let layout = TestFixtures.layout()
            let first = try await Self.put(store, "k", layout: layout)
            let marker = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: nil)
            #expect(marker.isDeleteMarker && marker.versionId != nil && marker.garbage.isEmpty)
            #expect(try await store.object(bucket: "b", key: "k") == nil)
            let current = try #require(try await store.object(bucket: .unchecked("b"), key: "k", versionId: nil))
            #expect(
                current.isDeleteMarker && current.versionId == marker.versionId && current.ownerId == TestFixtures.owner
            )
            #expect(try await store.listObjects(bucket: "b", query: ListObjectsQuery()).objects.isEmpty)
            let listed = try await Self.versions(store)
            #expect(listed.map(\.isDeleteMarker) == [true, false] && listed.map(\.isLatest) == [true, false])
            // A second delete makes a second marker, as S3 does.
            let second = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: nil)
            #expect(second.versionId != marker.versionId)
            // A bucket of markers and versions is not empty.
            #expect(await TestFixtures.errorCode { _ = try await store.deleteBucket(name: "b") } == .bucketNotEmpty)
            // Removing the markers by id makes the version current again; nothing became garbage.
            for id in [second.versionId, marker.versionId] {
                let removed = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: id)
                #expect(removed.isDeleteMarker && removed.versionId == id && removed.garbage.isEmpty)
            }
            #expect(try await store.object(bucket: "b", key: "k")?.versionId == first.versionId)
            #expect(try await Self.versions(store).map(\.isLatest) == [true])
            // Deleting the version by id frees its data; deleting it again is no error.
            let gone = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: first.versionId)
            #expect(gone.garbage == [layout] && !gone.isDeleteMarker)
            let again = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: first.versionId)
            #expect(again.garbage.isEmpty && !again.isDeleteMarker)
            #expect(try await Self.versions(store).isEmpty)
            _ = try await store.deleteBucket(name: "b")
        }
    }

    @Test func deletingANoncurrentVersionLeavesTheCurrentOne() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let old = TestFixtures.layout()
            let oldId = try await Self.put(store, "k", layout: old).versionId
            let newId = try await Self.put(store, "k").versionId
            #expect(try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: oldId).garbage == [old])
            #expect(try await store.object(bucket: "b", key: "k")?.versionId == newId)
            #expect(try await Self.versions(store).map(\.versionId) == [newId])
        }
    }

    @Test func suspendedWritesAndDeletesReplaceTheNullVersion() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let nullLayout = TestFixtures.layout()
            _ = try await Self.put(store, "k", layout: nullLayout)
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let kept = try await Self.put(store, "k").versionId
            try await store.setVersioning(.unchecked("b"), status: .suspended)
            // A write while suspended replaces the null version (noncurrent until now) and becomes current.
            let replacement = TestFixtures.layout()
            let written = try await Self.put(store, "k", layout: replacement)
            #expect(written.versionId == "null" && written.displaced == [nullLayout])
            #expect(try await Self.versions(store).map(\.versionId) == ["null", kept])
            // A delete while suspended makes the null version a delete marker.
            let deleted = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: nil)
            #expect(deleted.versionId == "null" && deleted.isDeleteMarker && deleted.garbage == [replacement])
            let listed = try await Self.versions(store)
            #expect(listed.map(\.versionId) == ["null", kept] && listed.map(\.isDeleteMarker) == [true, false])
            // Enabled again: the null marker stays among the versions, a new version is current.
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let newest = try await Self.put(store, "k").versionId
            #expect(try await Self.versions(store).map(\.versionId) == [newest, "null", kept])
        }
    }

    @Test func listingPagesThroughVersionsAndMarkersExactlyOnce() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            for key in ["a", "d/1", "d/2", "e"] {
                for _ in 0..<3 { _ = try await Self.put(store, key, layout: nil) }
            }
            _ = try await store.deleteObject(bucket: .unchecked("b"), key: "e", versionId: nil)
            let all = try await Self.versions(store)
            #expect(all.count == 13)
            #expect(all.map(\.key) == ["a", "a", "a", "d/1", "d/1", "d/1", "d/2", "d/2", "d/2", "e", "e", "e", "e"])
            #expect(all.first(where: { $0.key == "e" })?.isDeleteMarker == true)
            for pageSize in [1, 2, 4, 5] {
                var seen: [VersionSummary] = []
                var query = ListVersionsQuery(maxKeys: pageSize)
                while true {
                    let page = try await store.listObjectVersions(bucket: .unchecked("b"), query: query)
                    seen += page.versions
                    guard page.isTruncated else { break }
                    query.keyMarker = page.nextKeyMarker
                    query.versionIdMarker = page.nextVersionIdMarker
                }
                #expect(seen == all, "pages of \(pageSize)")
            }
            // A delimiter rolls d/ up; a page ending on the prefix continues after it.
            let rolled = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(delimiter: "/", maxKeys: 4))
            #expect(rolled.versions.map(\.key) == ["a", "a", "a"] && rolled.commonPrefixes == ["d/"])
            #expect(rolled.isTruncated && rolled.nextKeyMarker == "d/" && rolled.nextVersionIdMarker == nil)
            let rest = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(delimiter: "/", keyMarker: "d/"))
            #expect(rest.versions.map(\.key) == ["e", "e", "e", "e"] && rest.commonPrefixes.isEmpty)
            // A prefix, and a key marker outside it.
            let under = try await store.listObjectVersions(
                bucket: .unchecked("b"),
                query: ListVersionsQuery(prefix: "d/", keyMarker: "a", versionIdMarker: all[1].versionId))
            #expect(under.versions.map(\.key) == ["d/1", "d/1", "d/1", "d/2", "d/2", "d/2"])
            // key-marker alone skips every version of that key; a version marker that is gone goes on after it.
            let afterKey = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(keyMarker: "d/2"))
            #expect(afterKey.versions.map(\.key) == ["e", "e", "e", "e"])
            // A version marker deleted since (a client emptying the bucket page by page) goes on with the key's
            // older versions, placed by the sequence in its id; an id this store did not make, or a `null` that is
            // gone, lists the key's versions from the newest: nothing is skipped.
            let middle = all[1]
            _ = try await store.deleteObject(bucket: .unchecked("b"), key: "a", versionId: middle.versionId)
            let afterGone = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(keyMarker: "a", versionIdMarker: middle.versionId))
            #expect(afterGone.versions.map(\.versionId).prefix(2) == [all[2].versionId, all[3].versionId])
            let foreign = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(keyMarker: "a", versionIdMarker: "made-elsewhere"))
            #expect(foreign.versions.map(\.versionId).prefix(2) == [all[0].versionId, all[2].versionId])
        }
    }

    @Test func concurrentWritersOfOneKeyAreEachListedOnce() async throws {
        try await TestDatabase.withStore(maxConnections: 8) { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 { group.addTask { try await Self.put(store, "hot").versionId } }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            #expect(Set(ids).count == 40)
            let listed = try await Self.versions(store)
            #expect(listed.count == 40 && Set(listed.map(\.versionId)) == Set(ids))
            #expect(listed.filter(\.isLatest).count == 1 && listed.first?.isLatest == true)
            // Newest first, by the order of the commits (which the ids share).
            #expect(listed.map(\.versionId) == ids.sorted().reversed())
            #expect(try await store.object(bucket: "b", key: "hot")?.versionId == ids.max())
        }
    }

    @Test func taggingAVersionByIdAndMarkersRefused() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            let old = try await Self.put(store, "k").versionId
            let new = try await Self.put(store, "k").versionId
            #expect(
                try await store.setObjectTagging(bucket: .unchecked("b"), key: "k", versionId: old, tagging: "a=1")
                    == old)
            #expect(
                try await store.object(bucket: .unchecked("b"), key: "k", versionId: old)?.headers["x-amz-tagging"]
                    == "a=1")
            #expect(
                try await store.object(bucket: .unchecked("b"), key: "k", versionId: new)?.headers["x-amz-tagging"]
                    == nil)
            let marker = try #require(
                try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: nil).versionId)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.setObjectTagging(
                        bucket: .unchecked("b"), key: "k", versionId: nil, tagging: "a=1")
                } == .noSuchKey)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.setObjectTagging(
                        bucket: .unchecked("b"), key: "k", versionId: marker, tagging: "a=1")
                } == .methodNotAllowed)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.setObjectTagging(
                        bucket: .unchecked("b"), key: "k", versionId: "nope", tagging: nil)
                } == .noSuchVersion)
        }
    }

    @Test func conditionsAndCompletionsOnAVersionedBucket() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            try await store.setVersioning(.unchecked("b"), status: .enabled)
            _ = try await Self.put(store, "k")
            _ = try await store.deleteObject(bucket: .unchecked("b"), key: "k", versionId: nil)
            // A delete marker is no object: If-None-Match: * succeeds, If-Match fails as on a missing key.
            let version = TestFixtures.version(bucket: "b", key: "k", inline: Data("x".utf8))
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putObject(version, condition: WriteCondition(ifMatch: ["etag"]))
                } == .noSuchKey)
            _ = try await store.putObject(version, condition: WriteCondition(ifNoneMatchAny: true))
            // A completed upload gets a version id, kept for retries.
            let upload = TestFixtures.upload(bucket: "b", key: "m")
            try await store.createUpload(upload)
            let layout = TestFixtures.layout()
            _ = try await store.putPart(
                bucket: "b", key: "m", uploadId: upload.uploadId,
                part: TestFixtures.part(1, etag: String(repeating: "a", count: 32), layout: layout)
            )
            let (completed, _) = try await store.completeUpload(
                bucket: "b", key: "m", uploadId: upload.uploadId,
                parts: [CompletedPart(partNumber: 1, etag: String(repeating: "a", count: 32))])
            #expect(completed.versionId != "null" && completed.versionId.count == VersionID.length)
            let record = try await store.completedUpload(bucket: .unchecked("b"), key: "m", uploadId: upload.uploadId)
            #expect(record?.versionId == completed.versionId)
            #expect(try await store.object(bucket: "b", key: "m")?.versionId == completed.versionId)
        }
    }
    @Test func listingsAreIndexRangeScans() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            // 50,000 versions of 10,000 keys, one in five keys with a delete marker on top.
            try await store.client.query(
                """
                INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, content_type,
                                     user_metadata, headers, owner_id, segments, is_delete_marker)
                SELECT 'b', 'k' || lpad((i / 5)::text, 6, '0'), 'v' || i, i % 5 = 4, 1, 'e', now(), '', '{}', '{}',
                       'o', '[]', i % 25 = 24
                FROM generate_series(0, 49999) AS i
                """)
            try await store.client.query("ANALYZE objects")
            func plan(_ query: PostgresQuery) async throws -> String {
                var lines: [String] = []
                for try await line in try await store.client.query(query).decode(String.self) { lines.append(line) }
                return lines.joined(separator: "\n")
            }
            // The statements of ListObjectVersions and ListObjects pages as the store sends them, with and without a
            // delimiter (the skip-scan probes the same indexes), and after a version marker.
            func explain(_ kind: ListingStatement.Kind, delimiter: String?, start: ListingStatement.Start)
                async throws -> String
            {
                var query = PostgresMetadataStore.listingStatement(
                    kind, bucket: .unchecked("b"), prefix: "k001", delimiter: delimiter, maxKeys: 1000, start: start,
                    marker: nil
                ).query
                query.sql = "EXPLAIN " + query.sql
                return try await plan(query)
            }
            for delimiter in [nil, "0"] {
                let versions = try await explain(
                    .versions, delimiter: delimiter, start: .key("k001000", inclusive: false))
                #expect(
                    versions.contains("objects_versions_idx") && !versions.contains("Seq Scan on objects"),
                    "\(versions)")
                let afterVersion = try await explain(
                    .versions, delimiter: delimiter,
                    start: .afterVersion(key: "k001000", versionId: "v5003", sequence: nil))
                #expect(!afterVersion.contains("Seq Scan on objects"), "\(afterVersion)")
                let objects = try await explain(.objects, delimiter: delimiter, start: .key("k001", inclusive: true))
                #expect(
                    objects.contains("objects_visible_idx") && !objects.contains("Seq Scan on objects"), "\(objects)")
            }
            // And the listing is right over the bulk rows: 5 versions a key, newest (highest seq) first.
            let page = try await store.listObjectVersions(
                bucket: .unchecked("b"), query: ListVersionsQuery(prefix: "k00000", maxKeys: 1000))
            #expect(page.versions.count == 50 && !page.isTruncated)
            #expect(page.versions.prefix(5).map(\.versionId) == ["v4", "v3", "v2", "v1", "v0"])
            #expect(page.versions.filter(\.isLatest).count == 10)
            let listed = try await store.listObjects(bucket: "b", query: ListObjectsQuery(prefix: "k00000"))
            #expect(listed.objects.count == 8)  // k000004 and k000009 end in a marker
        }
    }
}
