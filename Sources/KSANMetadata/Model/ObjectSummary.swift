import Foundation

/// One entry of an object listing.
public struct ObjectSummary: Codable, Sendable, Hashable {
    /// The key.
    public var key: String
    /// Size in bytes.
    public var size: Int64
    /// ETag without quotes.
    public var etag: String
    /// Last modification time.
    public var lastModified: Date
    /// The owner's user id.
    public var ownerId: String
    /// Its storage class when not STANDARD.
    public var storageClass: String?

    /// Creates a summary.
    public init(
        key: String, size: Int64, etag: String, lastModified: Date, ownerId: String, storageClass: String? = nil
    ) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.ownerId = ownerId
        self.storageClass = storageClass
    }
}
