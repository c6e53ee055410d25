import Testing

@testable import KSANMetadata

/// The skip-scan, against an in-memory key range that counts the rows it hands out.
@Suite("Delimited listing skip-scan")
struct DelimitedListingTests {
    /// A sorted key set that serves listing batches and counts rows read.
    final class Keys: @unchecked Sendable {
        let keys: [String]
        var rowsRead = 0
        var queries = 0

        init(_ keys: [String]) {
            self.keys = keys.sorted { KeyOrder.precedes($0, $1) }
        }

        enum Cursor {
            case atLeast(String)
            case after(String)
        }

        func listing(prefix: String, delimiter: String?, maxKeys: Int) -> DelimitedListing<String, Cursor> {
            DelimitedListing(
                prefix: prefix, delimiter: delimiter, maxEntries: maxKeys, key: { $0 }, after: { .after($0) },
                atLeast: { .atLeast($0) },
                fetch: { cursor, limit in
                    self.queries += 1
                    let upper = KeyOrder.successor(of: prefix)
                    let rows = self.keys.lazy.filter { key in
                        guard KeyOrder.hasPrefix(key, prefix) else { return false }
                        switch cursor {
                        case .atLeast(let bound): return !KeyOrder.precedes(key, bound)
                        case .after(let bound): return KeyOrder.precedes(bound, key)
                        case nil: return true
                        }
                    }.filter { key in upper.map { KeyOrder.precedes(key, $0) } ?? true }.prefix(limit)
                    self.rowsRead += rows.count
                    return Array(rows)
                }
            )
        }
    }

    static func manyPrefixes() -> [String] {
        var keys: [String] = []
        for p in 0..<5 {
            for k in 0..<200 { keys.append("dir\(p)/file\(k)") }
        }
        keys += ["top1", "top2"]
        return keys
    }

    @Test func commonPrefixesAreSkippedNotRead() async throws {
        let keys = Keys(Self.manyPrefixes())
        let (entries, truncated) = try await keys.listing(prefix: "", delimiter: "/", maxKeys: 1000)
            .run(markerKey: nil, start: nil)
        #expect(!truncated)
        let names = entries.map { entry -> String in
            switch entry {
            case .row(let key): key
            case .commonPrefix(let prefix): prefix
            }
        }
        #expect(names == ["dir0/", "dir1/", "dir2/", "dir3/", "dir4/", "top1", "top2"])
        // One row per prefix and per top-level key, plus at most one batch of look-ahead each time: far fewer than
        // the 1,002 keys.
        #expect(keys.rowsRead <= 5 * DelimitedListing<String, Keys.Cursor>.initialDelimitedBatch + 10)
        #expect(keys.queries <= 7)
    }

    @Test func truncationIsReportedOnlyWhenSomethingFollows() async throws {
        let keys = Keys(Self.manyPrefixes())
        let exact = try await keys.listing(prefix: "", delimiter: "/", maxKeys: 7).run(markerKey: nil, start: nil)
        #expect(exact.entries.count == 7)
        #expect(!exact.isTruncated)
        let short = try await keys.listing(prefix: "", delimiter: "/", maxKeys: 5).run(markerKey: nil, start: nil)
        #expect(short.entries.count == 5)
        #expect(short.isTruncated)
        let none = try await keys.listing(prefix: "", delimiter: "/", maxKeys: 0).run(markerKey: nil, start: nil)
        #expect(none.entries.isEmpty)
        #expect(!none.isTruncated)
    }

    @Test func aMarkerInsideACommonPrefixSkipsThatPrefix() async throws {
        let keys = Keys(Self.manyPrefixes())
        let (entries, _) = try await keys.listing(prefix: "", delimiter: "/", maxKeys: 2)
            .run(markerKey: "dir1/file5", start: .after("dir1/file5"))
        guard case .commonPrefix(let first) = entries.first else {
            Issue.record("expected a common prefix first, got \(entries)")
            return
        }
        #expect(first == "dir2/")
    }
}
