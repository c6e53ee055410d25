import KSANCore

/// The URI encoding rules of AWS Signature Version 4, on bytes so that any percent-encoded input (even one that
/// is not valid UTF-8 once decoded) canonicalizes the same way the client's signer saw it.
enum SigV4Encoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Whether `byte` is left as is by the AWS rule: `A-Z a-z 0-9 - . _ ~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Decodes `%XY` escapes once. A `%` not followed by two hex digits is kept literally; `+` becomes a space
    /// only when `plusAsSpace` (query strings, as form-encoding clients send them).
    static func percentDecode(_ text: Substring, plusAsSpace: Bool) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = Hex.digitValue(bytes[index + 1]), let low = Hex.digitValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return out
    }

    /// Encodes bytes with the AWS rule: unreserved bytes kept, everything else (including `/`) as `%XY`, upper-case.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The canonical URI of an S3 request: the raw path split on `/`, each segment decoded once and re-encoded
    /// with the AWS rule, no dot-segment or slash normalization. An empty path is `/`.
    static func canonicalURI(_ rawPath: String) -> String {
        if rawPath.isEmpty {
            return "/"
        }
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        let encoded = segments.map { encode(percentDecode($0, plusAsSpace: false)) }
        let path = encoded.joined(separator: "/")
        return path.hasPrefix("/") ? path : "/" + path
    }

    /// The query string split on `&` into decoded name/value byte strings, in wire order. Empty components are
    /// skipped; a component without `=` has an empty value.
    static func queryPairs(_ rawQuery: String) -> [(name: [UInt8], value: [UInt8])] {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for component in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = component.firstIndex(of: "=") {
                let name = component[component.startIndex..<equals]
                let value = component[component.index(after: equals)...]
                pairs.append((percentDecode(name, plusAsSpace: true), percentDecode(value, plusAsSpace: true)))
            } else {
                pairs.append((percentDecode(component, plusAsSpace: true), []))
            }
        }
        return pairs
    }

    /// The query parameters decoded to strings (invalid UTF-8 repaired), in wire order.
    static func decodedQuery(_ rawQuery: String) -> [(name: String, value: String)] {
        queryPairs(rawQuery).map {
            (String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self))
        }
    }

    /// The canonical query string: each name and value decoded then AWS-encoded, `name=value`, sorted by name then
    /// value (byte order), joined with `&`. Parameters named `excluding` (decoded, case-sensitive) are left out.
    static func canonicalQuery(_ rawQuery: String, excluding: String? = nil) -> String {
        let excluded = excluding.map { Array($0.utf8) }
        var encoded: [(name: String, value: String)] = []
        for pair in queryPairs(rawQuery) where pair.name != excluded {
            encoded.append((encode(pair.name), encode(pair.value)))
        }
        // Encoded strings are pure ASCII, so String ordering is byte ordering.
        encoded.sort { $0.name != $1.name ? $0.name < $1.name : $0.value < $1.value }
        return encoded.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Whether `text` is exactly `count` hex digits (either case).
    static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { Hex.digitValue($0) != nil }
    }
}
