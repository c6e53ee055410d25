import Foundation
import NIOCore

/// What the listing benchmark reads of a listing response: it counts elements and finds the next page's markers by
/// byte search, so that the client's own parsing is a small part of what is measured.
struct ListingPage {
    /// `<Key>` elements (objects, versions and delete markers).
    var keys = 0
    /// `<CommonPrefixes>` elements.
    var commonPrefixes = 0
    /// `<IsTruncated>true</IsTruncated>`.
    var isTruncated = false
    /// `NextContinuationToken`, `NextKeyMarker`, `NextVersionIdMarker`, `NextMarker` (unescaped).
    var next: [String: String] = [:]
    /// The last `<Key>`'s value (unescaped): ListObjects (v1) gives no NextMarker without a delimiter.
    var lastKey: String?

    /// Reads a response body.
    init(_ body: ByteBuffer) {
        body.withUnsafeReadableBytes { raw in
            let found = Self.occurrences("<Key>", in: raw)
            keys = found.count
            if let open = found.last, let end = Self.find("</Key>", in: raw, from: open + 5) {
                lastKey = Self.text(UnsafeRawBufferPointer(rebasing: raw[(open + 5)..<end]))
            }
            commonPrefixes = Self.occurrences("<CommonPrefixes>", in: raw).count
            isTruncated = Self.find("<IsTruncated>true</IsTruncated>", in: raw, from: 0) != nil
            for name in ["NextContinuationToken", "NextKeyMarker", "NextVersionIdMarker", "NextMarker"] {
                guard let open = Self.find("<\(name)>", in: raw, from: 0) else { continue }
                let start = open + name.utf8.count + 2
                guard let end = Self.find("</\(name)>", in: raw, from: start) else { continue }
                next[name] = Self.text(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            }
        }
    }

    /// An element's character data with the five predefined entities resolved (S3 writes no other).
    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The offset of the first `needle` at or after `from`. A page is a quarter of a megabyte, so the search jumps
    /// with `memchr` to the needle's first byte that is not markup (`<`, `/`, `>` are everywhere), then compares.
    static func find(_ needle: String, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard let base = haystack.baseAddress, !pattern.isEmpty else { return nil }
        let anchor =
            pattern.firstIndex { $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ">") }
            ?? 0
        var start = from
        while start + pattern.count <= haystack.count {
            let scan = start + anchor
            guard let hit = memchr(base + scan, Int32(pattern[anchor]), haystack.count - scan) else { return nil }
            let candidate = UnsafeRawPointer(hit) - base - anchor
            guard candidate + pattern.count <= haystack.count else { return nil }
            if memcmp(base + candidate, pattern, pattern.count) == 0 { return candidate }
            start = candidate + 1
        }
        return nil
    }

    /// How often `needle` occurs, and the offset of its last occurrence.
    static func occurrences(_ needle: String, in haystack: UnsafeRawBufferPointer) -> (count: Int, last: Int?) {
        var count = 0
        var last: Int?
        var offset = 0
        while let hit = find(needle, in: haystack, from: offset) {
            count += 1
            last = hit
            offset = hit + needle.utf8.count
        }
        return (count, last)
    }
}
