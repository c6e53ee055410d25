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
}
