import Foundation

/// A user of the S3 service, as the portal lists it.
public struct UserRecord: Codable, Sendable, Hashable {
    /// The canonical user id (64 hex digits).
    public var id: String
    /// The display name (unique).
    public var displayName: String
    /// When the user was created.
    public var createdAt: Date
    /// How many S3 access keys the user has.
    public var keyCount: Int
    /// How many buckets the user owns.
    public var bucketCount: Int

    /// Creates a record.
    public init(id: String, displayName: String, createdAt: Date, keyCount: Int, bucketCount: Int) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
        self.keyCount = keyCount
        self.bucketCount = bucketCount
    }
}
