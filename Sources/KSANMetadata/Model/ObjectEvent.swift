import Foundation

/// The body of an object or bucket event on the bus's ``objects`` exchange (routing keys ``created``, ``removed``,
/// ``tagging``, ``lock``, ``bucketCreated``, ``bucketRemoved``, ``bucketConfigChanged``), for the worker and for notifications. Names follow S3's event records.
public struct ObjectEvent: Codable, Sendable, Hashable {
    /// The routing key of a new object version.
    public static let created = "object.created"
    /// The routing key of a removed object.
    public static let removed = "object.removed"
    /// The routing key of an object's tag set put or deleted.
    public static let tagging = "object.tagging"
    /// The routing key of a version's retention or legal hold set (object lock).
    public static let lock = "object.lock"
    /// The routing key of a new bucket.
    public static let bucketCreated = "bucket.created"
    /// The routing key of a removed bucket.
    public static let bucketRemoved = "bucket.removed"
    /// The routing key of a changed bucket configuration (``BucketConfigKind``; the event's `key` names the kind).
    public static let bucketConfigChanged = "bucket.config.changed"
    /// The exchange of these events (`BusExchange.objects`).
    public static let exchange = "ksan.objects"

    /// S3's event name: `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, `ObjectRemoved:Delete`,
    /// `ObjectRemoved:DeleteMarkerCreated`, `ObjectTagging:Put`, `ObjectTagging:Delete`, `ObjectRetention:Put`,
    /// `ObjectLegalHold:Put`,
    /// `BucketCreated`, `BucketRemoved`, `BucketConfigChanged`.
    public var eventName: String
    public var bucket: String
    /// The object's key (absent for bucket events).
    public var key: String?
    public var versionId: String?
    public var size: Int64?
    public var etag: String?

    /// Creates an event body.
    public init(
        eventName: String, bucket: String, key: String? = nil, versionId: String? = nil, size: Int64? = nil,
        etag: String? = nil
    ) {
        self.eventName = eventName
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.size = size
        self.etag = etag
    }
}
