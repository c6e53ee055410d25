import Foundation
import KSANCore

/// A bucket as stored in metadata.
public struct BucketRecord: Codable, Sendable, Hashable {
    /// The bucket name (validated by the gateway before it gets here).
    public var name: String
    /// The bucket's immutable id, never reused: a bucket deleted and created again under the same name is another
    /// bucket with another id (see ``BucketRef``).
    public var id: String
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
    /// The bucket's versioning state (PutBucketVersioning).
    public var versioning: VersioningStatus
    /// Whether object lock is enabled (at creation, or by PutObjectLockConfiguration); it is never disabled.
    public var objectLock: Bool
    /// The default retention of new versions, on a bucket with object lock.
    public var defaultRetention: DefaultRetention?

    /// Creates a record.
    /// - Parameter id: the bucket id; by default a new random one.
    public init(
        name: String, id: String = BucketRecord.newId(), ownerId: String, ownerDisplayName: String, region: String,
        poolId: String, createdAt: Date, versioning: VersioningStatus = .unversioned,
        objectLock: Bool = false, defaultRetention: DefaultRetention? = nil
    ) {
        self.name = name
        self.id = id
        self.ownerId = ownerId
        self.ownerDisplayName = ownerDisplayName
        self.region = region
        self.poolId = poolId
        self.createdAt = createdAt
        self.versioning = versioning
        self.objectLock = objectLock
        self.defaultRetention = defaultRetention
    }

    /// A new random bucket id: 32 hex digits.
    public static func newId() -> String { Identifier.hex(bytes: 16) }
}
