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
    /// `NextContinuationToken`, `NextKeyMarker`, `NextVersionIdMarker`, `NextMarker` (still XML-escaped).
    var next: [String: String] = [:]
    /// The last `<Key>`'s value (still XML-escaped): ListObjects (v1) gives no NextMarker without a delimiter.
    var lastKey: String?

    /// Reads a response body.
    init(_ body: ByteBuffer) {
        body.withUnsafeReadableBytes { raw in
            keys = Self.count("<Key>", in: raw)
            if let open = Self.findLast("<Key>", in: raw), let end = Self.find("</Key>", in: raw, from: open + 5) {
                lastKey = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(open + 5)..<end]), as: UTF8.self)
            }
            commonPrefixes = Self.count("<CommonPrefixes>", in: raw)
            isTruncated = Self.find("<IsTruncated>true</IsTruncated>", in: raw, from: 0) != nil
            for name in ["NextContinuationToken", "NextKeyMarker", "NextVersionIdMarker", "NextMarker"] {
                guard let open = Self.find("<\(name)>", in: raw, from: 0) else { continue }
                let start = open + name.utf8.count + 2
                guard let end = Self.find("</\(name)>", in: raw, from: start) else { continue }
                next[name] = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self)
            }
        }
    }

    /// The offset of the first `needle` at or after `from`.
    static func find(_ needle: String, in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, haystack.count >= pattern.count else { return nil }
        var offset = from
        while offset + pattern.count <= haystack.count {
            if haystack[offset] == first {
                var matched = 1
                while matched < pattern.count && haystack[offset + matched] == pattern[matched] { matched += 1 }
                if matched == pattern.count { return offset }
            }
            offset += 1
        }
        return nil
    }

    /// The offset of the last `needle`.
    static func findLast(_ needle: String, in haystack: UnsafeRawBufferPointer) -> Int? {
        var last: Int?
        var offset = 0
        while let hit = find(needle, in: haystack, from: offset) {
            last = hit
            offset = hit + needle.utf8.count
        }
        return last
    }

    /// How often `needle` occurs.
    static func count(_ needle: String, in haystack: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var offset = 0
        while let hit = find(needle, in: haystack, from: offset) {
            count += 1
            offset = hit + needle.utf8.count
        }
        return count
    }
}
