/// Byte-order (UTF-8, PostgreSQL `COLLATE "C"`) comparisons and ranges of object keys.
///
/// Swift's `String` comparison and `hasPrefix` follow Unicode canonical equivalence, while S3 and the metadata
/// database order keys by their UTF-8 bytes. Listing code must use these helpers, never `<` or `hasPrefix` on strings.
public enum KeyOrder {
    /// Whether `a` sorts strictly before `b` in UTF-8 byte order.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether the UTF-8 bytes of `string` start with those of `prefix`.
    public static func hasPrefix(_ string: String, _ prefix: String) -> Bool {
        string.utf8.starts(with: prefix.utf8)
    }

    /// The smallest string greater than every string that starts with `prefix`, or nil if there is none
    /// (the prefix is empty or consists only of U+10FFFF).
    ///
    /// The last Unicode scalar `c` of the prefix is replaced by the next scalar `c + 1` (skipping the surrogate range
    /// U+D800...U+DFFF); trailing U+10FFFF scalars, which have no successor, are dropped first. Because UTF-8 byte
    /// order is scalar order, `key >= prefix AND key < successor(prefix)` selects exactly the keys starting with
    /// `prefix`.
    public static func successor(of prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var result = String.UnicodeScalarView()
                result.append(contentsOf: scalars)
                return String(result)
            }
        }
        return nil
    }

    /// The common prefix that `key` rolls up into: the bytes of `key` up to and including the first occurrence of
    /// `delimiter` after `prefix`, or nil if the delimiter does not occur there (or is empty).
    ///
    /// `key` must start with `prefix` (byte-wise).
    public static func commonPrefix(of key: String, prefix: String, delimiter: String) -> String? {
        let delimiterBytes = Array(delimiter.utf8)
        guard !delimiterBytes.isEmpty else { return nil }
        let bytes = Array(key.utf8)
        let start = prefix.utf8.count
        guard bytes.count - start >= delimiterBytes.count else { return nil }
        var index = start
        while index + delimiterBytes.count <= bytes.count {
            if bytes[index] == delimiterBytes[0]
                && bytes[index..<(index + delimiterBytes.count)].elementsEqual(delimiterBytes)
            {
                // A match of a whole UTF-8 sequence inside valid UTF-8 ends on a scalar boundary.
                return String(decoding: bytes[0..<(index + delimiterBytes.count)], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }
}
