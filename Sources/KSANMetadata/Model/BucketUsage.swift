/// A bucket with what it holds.
public struct BucketUsage: Codable, Sendable, Hashable {
    /// The bucket.
    public var bucket: BucketRecord
    /// Its current objects.
    public var objectCount: Int64
    /// Their bytes.
    public var bytes: Int64

    /// Creates a figure.
    public init(bucket: BucketRecord, objectCount: Int64, bytes: Int64) {
        self.bucket = bucket
        self.objectCount = objectCount
        self.bytes = bytes
    }
}
