import Foundation

/// One entry of a ListObjectVersions page: a version or a delete marker.
public struct VersionSummary: Codable, Sendable, Hashable {
    /// The key.
    public var key: String
    /// The version id (`null` for the null version).
    public var versionId: String
    /// Whether it is the key's current version.
    public var isLatest: Bool
    /// Whether it is a delete marker (no data, no ETag).
    public var isDeleteMarker: Bool
    /// Size in bytes (0 for a marker).
    public var size: Int64
    /// The ETag without quotes ("" for a marker).
    public var etag: String
    /// When it was written.
    public var lastModified: Date
    /// The owner's user id.
    public var ownerId: String
    /// The storage class stored with it; nil for STANDARD.
    public var storageClass: String?
    /// The position of the version in the order of all writes (newer is greater): the listing's order within a key.
    public var sequence: Int64

    /// Creates an entry.
    public init(
        key: String, versionId: String, isLatest: Bool, isDeleteMarker: Bool, size: Int64, etag: String,
        lastModified: Date, ownerId: String, storageClass: String? = nil, sequence: Int64
    ) {
        self.key = key
        self.versionId = versionId
        self.isLatest = isLatest
        self.isDeleteMarker = isDeleteMarker
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.ownerId = ownerId
        self.storageClass = storageClass
        self.sequence = sequence
    }
}
