import Foundation

/// A bucket as stored in metadata.
public struct BucketRecord: Codable, Sendable, Hashable {
    /// The bucket name (validated by the gateway before it gets here).
    public var name: String
    /// The owning user's id.
    public var ownerId: String
    /// The owning user's display name.
    public var ownerDisplayName: String
    /// The region given at creation (`LocationConstraint`), or the gateway's region.
    public var region: String
    /// The pool that new objects of this bucket are written to.
    public var poolId: String
    /// When the bucket was created.
    public var createdAt: Date

    /// Creates a record.
    public init(
        name: String, ownerId: String, ownerDisplayName: String, region: String, poolId: String, createdAt: Date
    ) {
        self.name = name
        self.ownerId = ownerId
        self.ownerDisplayName = ownerDisplayName
        self.region = region
        self.poolId = poolId
        self.createdAt = createdAt
    }
}
