import Foundation

/// Another KSAN (or S3) cluster, by name: where zone-to-zone replication sends a bucket's objects.
public struct ZoneRecord: Codable, Sendable, Hashable {
    /// Unique name (letters, digits, '.', '_', '-').
    public var name: String
    /// The S3 endpoint of the other cluster (`https://s3.zone-b.example.com`).
    public var endpoint: String
    public var createdAt: Date

    public init(name: String, endpoint: String, createdAt: Date) {
        self.name = name
        self.endpoint = endpoint
        self.createdAt = createdAt
    }

    /// `http(s)://host[:port][/path]`: a host of letters, digits, '.' and '-', a port 1 to 65535, path segments of
    /// letters, digits and `._~-` (the OpenAPI document's pattern, exactly).
    public static func isValid(endpoint: String) -> Bool {
        let rest: Substring
        if endpoint.hasPrefix("https://") {
            rest = endpoint.dropFirst(8)
        } else if endpoint.hasPrefix("http://") {
            rest = endpoint.dropFirst(7)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts[0]
        guard !host.isEmpty, host.utf8.allSatisfy({ Self.isHostByte($0) }) else { return false }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port), parts[1].first != "0",
                parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) })
            else { return false }
        }
        return path.utf8.allSatisfy { $0 == 0x2F || $0 == 0x7E || $0 == 0x5F || Self.isHostByte($0) }
    }

    static func isHostByte(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x2D || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
            || (0x61...0x7A).contains(byte)
    }
}
