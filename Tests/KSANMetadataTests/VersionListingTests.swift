import Foundation
import KSANTestSupport
import PostgresNIO
import Testing

@testable import KSANMetadata

/// ListObjectVersions against a naive reference: random keys with random histories, listed page by page with every
/// delimiter and prefix shape, must give exactly the versions and common prefixes S3 would, each once, in order.
@Suite("Version listing", .enabled(if: TestEnvironment.postgresEnabled))
struct VersionListingTests {
    /// One row of the reference: a version `key`/`versionId`, or a common prefix.
    enum Entry: Hashable, CustomStringConvertible {
        case version(String, String)
        case prefix(String)

        var description: String {
            switch self {
            case .version(let key, let id): "\(key)@\(id)"
            case .prefix(let prefix): "\(prefix)*"
            }
        }
    }

    /// The listing S3 gives for a prefix and delimiter, from every version in listing order.
    static func reference(_ all: [(key: String, versionId: String)], prefix: String, delimiter: String?) -> [Entry] {
        var entries: [Entry] = []
        for (key, versionId) in all where KeyOrder.hasPrefix(key, prefix) {
            if let delimiter, let common = KeyOrder.commonPrefix(of: key, prefix: prefix, delimiter: delimiter) {
                if entries.last != .prefix(common) { entries.append(.prefix(common)) }
            } else {
                entries.append(.version(key, versionId))
            }
        }
        return entries
    }

    /// Lists every page of a query; each page is in order: its versions, then its prefixes interleaved by key.
    static func paginate(_ store: PostgresMetadataStore, _ query: ListVersionsQuery) async throws -> [Entry] {
        var query = query
        var entries: [Entry] = []
        for _ in 0..<10_000 {
            let page = try await store.listObjectVersions(bucket: .unchecked("b"), query: query)
            #expect(try await store.listObjectVersionsWire(bucket: .unchecked("b"), query: query) == page.wireBuffer())
            var pageEntries = page.versions.map { Entry.version($0.key, $0.versionId) }
            // Prefixes go where their keys sort (versions of one key stay together, newest first).
            for prefix in page.commonPrefixes {
                let index =
                    pageEntries.firstIndex {
                        if case .version(let key, _) = $0 { return KeyOrder.precedes(prefix, key) }
                        return false
                    } ?? pageEntries.endIndex
                pageEntries.insert(.prefix(prefix), at: index)
            }
            #expect(pageEntries.count <= max(query.maxKeys, 0))
            entries += pageEntries
            guard page.isTruncated else { return entries }
            query.keyMarker = page.nextKeyMarker
            query.versionIdMarker = page.nextVersionIdMarker
        }
        Issue.record("no end to the pages of \(query)")
        return entries
    }

    @Test func randomHistoriesListLikeTheReference() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            var generator = SeededGenerator(seed: 7)
            let alphabet = ["a", "b", "/", "é", "0", "\u{10FFFF}", "-"]
            var keys = Set<String>()
            while keys.count < 120 {
                let length = Int.random(in: 1...5, using: &generator)
                keys.insert((0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined())
            }
            // Each key 1...4 versions, written in a random order of keys; the newest a delete marker for one in four.
            var rows: [(key: String, versionId: String, latest: Bool, marker: Bool)] = []
            for (index, key) in keys.shuffled(using: &generator).enumerated() {
                let count = Int.random(in: 1...4, using: &generator)
                let marker = Int.random(in: 0..<4, using: &generator) == 0
                for version in 0..<count {
                    let last = version == count - 1
                    rows.append((key, "v\(index)-\(version)", last, last && marker))
                }
            }
            try await store.client.query(
                """
                INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, content_type,
                                     user_metadata, headers, owner_id, segments, is_delete_marker)
                SELECT 'b', k, v, l, 1, 'e', now(), '', '{}', '{}', 'o', '[]', m
                FROM unnest(\(rows.map(\.key))::text[], \(rows.map(\.versionId))::text[],
                            \(rows.map(\.latest))::bool[], \(rows.map(\.marker))::bool[])
                     WITH ORDINALITY AS t(k, v, l, m, i)
                ORDER BY i
                """)
            var all: [(key: String, versionId: String)] = []
            let listed = try await store.client.query(
                "SELECT key, version_id FROM objects WHERE bucket = 'b' ORDER BY key, seq DESC")
            for try await (key, versionId) in listed.decode((String, String).self) { all.append((key, versionId)) }
            #expect(all.count == rows.count)

            for round in 0..<30 {
                let prefix =
                    round % 3 == 0
                    ? ""
                    : (0..<Int.random(in: 1...2, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    }.joined()
                let delimiter = [nil, "/", "é", "a/", "\u{10FFFF}"].randomElement(using: &generator)!
                let maxKeys = [1, 2, 3, 7, 1000].randomElement(using: &generator)!
                let query = ListVersionsQuery(prefix: prefix, delimiter: delimiter, maxKeys: maxKeys)
                let expected = Self.reference(all, prefix: prefix, delimiter: delimiter)
                let got = try await Self.paginate(store, query)
                #expect(
                    got == expected,
                    "prefix \(prefix.debugDescription) delimiter \(String(describing: delimiter)) max \(maxKeys)")
            }
        }
    }
}
