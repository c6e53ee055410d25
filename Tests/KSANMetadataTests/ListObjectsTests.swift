import Foundation
import KSANTestSupport
import Testing

@testable import KSANMetadata

@Suite("Object listing", .enabled(if: TestEnvironment.postgresEnabled))
struct ListObjectsTests {
    /// Puts inline objects with these keys into a new bucket `b`.
    static func fill(_ store: PostgresMetadataStore, _ keys: [String]) async throws {
        try await store.createBucket(TestFixtures.bucket("b"))
        for key in keys {
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: key, inline: Data("x".utf8)))
        }
    }

    /// The S3 semantics of a listing, computed naively: entries (keys, or common prefixes) after `startAfter`.
    static func reference(_ keys: [String], _ query: ListObjectsQuery) -> [String] {
        let sorted = keys.sorted { KeyOrder.precedes($0, $1) }
        let delimiter = query.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var entries: [String] = []
        for key in sorted where KeyOrder.hasPrefix(key, query.prefix) {
            let entry = delimiter.flatMap { KeyOrder.commonPrefix(of: key, prefix: query.prefix, delimiter: $0) } ?? key
            if let startAfter = query.startAfter, !startAfter.isEmpty, !KeyOrder.precedes(startAfter, entry) {
                continue
            }
            if entries.last != entry { entries.append(entry) }
        }
        return entries
    }

    static func names(_ result: ListObjectsResult) -> [String] {
        (result.objects.map(\.key) + result.commonPrefixes).sorted { KeyOrder.precedes($0, $1) }
    }

    /// Lists every page and checks each against the reference.
    static func paginate(_ store: PostgresMetadataStore, _ keys: [String], _ query: ListObjectsQuery) async throws
        -> [String]
    {
        var all: [String] = []
        var query = query
        var pages = 0
        while true {
            let page = try await store.listObjects(bucket: "b", query: query)
            // The page the service sends, written from the statement's arrays, is byte for byte what the encoder
            // writes for the page read back.
            #expect(try await store.listObjectsWire(bucket: .unchecked("b"), query: query) == page.wireBuffer())
            let expected = reference(keys, query)
            let names = names(page)
            #expect(names == Array(expected.prefix(query.maxKeys)), "page \(pages) of \(query)")
            #expect(page.isTruncated == (expected.count > query.maxKeys), "truncation of page \(pages) of \(query)")
            #expect(page.nextMarker == names.last)
            all += names
            pages += 1
            guard page.isTruncated, let marker = page.nextMarker, pages < 10_000 else { break }
            query.startAfter = marker
        }
        return all
    }

    @Test func byteOrderAndPrefixRanges() async throws {
        try await TestDatabase.withStore { store in
            let keys = ["b", "aé", "a0", "a/b", "a", "a\u{10FFFF}", "A", "a b"]
            try await Self.fill(store, keys)
            let all = try await store.listObjects(bucket: "b", query: .init())
            #expect(all.objects.map(\.key) == ["A", "a", "a b", "a/b", "a0", "aé", "a\u{10FFFF}", "b"])
            #expect(!all.isTruncated)
            let prefixed = try await store.listObjects(bucket: "b", query: .init(prefix: "a"))
            #expect(prefixed.objects.map(\.key) == ["a", "a b", "a/b", "a0", "aé", "a\u{10FFFF}"])
            let delimited = try await store.listObjects(bucket: "b", query: .init(delimiter: "/"))
            #expect(delimited.objects.map(\.key) == ["A", "a", "a b", "a0", "aé", "a\u{10FFFF}", "b"])
            #expect(delimited.commonPrefixes == ["a/"])
            let unicodePrefix = try await store.listObjects(bucket: "b", query: .init(prefix: "a\u{10FFFF}"))
            #expect(unicodePrefix.objects.map(\.key) == ["a\u{10FFFF}"])
            let empty = try await store.listObjects(bucket: "b", query: .init(prefix: "zz"))
            #expect(empty.objects.isEmpty && !empty.isTruncated && empty.nextMarker == nil)
        }
    }

    @Test func maxKeysZeroAndExactTruncation() async throws {
        try await TestDatabase.withStore { store in
            try await Self.fill(store, ["k1", "k2", "k3"])
            let zero = try await store.listObjects(bucket: "b", query: .init(maxKeys: 0))
            #expect(zero.objects.isEmpty && zero.commonPrefixes.isEmpty && !zero.isTruncated)
            let exact = try await store.listObjects(bucket: "b", query: .init(maxKeys: 3))
            #expect(exact.objects.count == 3 && !exact.isTruncated && exact.nextMarker == "k3")
            let short = try await store.listObjects(bucket: "b", query: .init(maxKeys: 2))
            #expect(short.objects.map(\.key) == ["k1", "k2"] && short.isTruncated && short.nextMarker == "k2")
            #expect(
                await TestFixtures.errorCode { _ = try await store.listObjects(bucket: "nope", query: .init()) }
                    == .noSuchBucket
            )
        }
    }

    @Test func delimiterSkipsLargeCommonPrefixes() async throws {
        try await TestDatabase.withStore { store in
            var keys: [String] = []
            for p in 0..<5 {
                for k in 0..<200 { keys.append(String(format: "photos/%02d/img%03d.jpg", p, k)) }
            }
            keys += ["photos/index.html", "photos/zz", "readme"]
            try await Self.fill(store, keys)

            let top = try await store.listObjects(bucket: "b", query: .init(prefix: "photos/", delimiter: "/"))
            #expect(top.commonPrefixes == ["photos/00/", "photos/01/", "photos/02/", "photos/03/", "photos/04/"])
            #expect(top.objects.map(\.key) == ["photos/index.html", "photos/zz"])
            #expect(!top.isTruncated)

            // Pagination across prefixes, two entries a page, and every other page size.
            for maxKeys in [1, 2, 3, 5, 7] {
                let query = ListObjectsQuery(prefix: "photos/", delimiter: "/", maxKeys: maxKeys)
                #expect(try await Self.paginate(store, keys, query) == Self.reference(keys, query))
            }

            // startAfter inside a common prefix: that prefix is not returned again.
            let inside = try await store.listObjects(
                bucket: "b",
                query: .init(prefix: "photos/", delimiter: "/", startAfter: "photos/01/img050.jpg", maxKeys: 2)
            )
            #expect(Self.names(inside) == ["photos/02/", "photos/03/"])
            #expect(inside.isTruncated)
            // startAfter equal to a returned prefix continues after it.
            let atPrefix = try await store.listObjects(
                bucket: "b", query: .init(prefix: "photos/", delimiter: "/", startAfter: "photos/04/")
            )
            #expect(Self.names(atPrefix) == ["photos/index.html", "photos/zz"])

            // Without a delimiter, a page of the flat listing.
            let flat = try await store.listObjects(bucket: "b", query: .init(prefix: "photos/03/", maxKeys: 150))
            #expect(flat.objects.count == 150 && flat.isTruncated && flat.nextMarker == "photos/03/img149.jpg")
        }
    }

    @Test func randomListingsMatchTheReference() async throws {
        try await TestDatabase.withStore { store in
            var generator = SeededGenerator(seed: 42)
            let alphabet = ["a", "b", "/", "é", "0", "\u{10FFFF}", "-", " "]
            var keySet = Set<String>()
            while keySet.count < 150 {
                let length = Int.random(in: 1...6, using: &generator)
                keySet.insert((0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined())
            }
            let keys = Array(keySet)
            try await Self.fill(store, keys)
            for _ in 0..<25 {
                let prefix =
                    Bool.random(using: &generator)
                    ? ""
                    : (0..<Int.random(in: 1...2, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    }.joined()
                let delimiter = [nil, "/", "é", "a/", "\u{10FFFF}"].randomElement(using: &generator)!
                let startAfter = Bool.random(using: &generator) ? nil : keys.randomElement(using: &generator)
                let maxKeys = [1, 3, 10, 1000].randomElement(using: &generator)!
                let query = ListObjectsQuery(
                    prefix: prefix, delimiter: delimiter, startAfter: startAfter, maxKeys: maxKeys)
                let listed = try await Self.paginate(store, keys, query)
                var full = query
                full.maxKeys = 1000
                #expect(listed == Self.reference(keys, full), "\(query)")
            }
        }
    }
}
