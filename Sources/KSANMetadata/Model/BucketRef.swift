/// The bucket a metadata operation addresses, as the caller was authorized for it: its name and its immutable id.
///
/// Metadata checks the id against the bucket of that name on every read and write of the bucket's contents and
/// answers `noSuchBucket` when they differ, so a caller holding an outdated view of a bucket (a gateway's cache,
/// after the bucket was deleted and re-created by another user) can never reach the new bucket's objects. A nil
/// id skips the check: for administrative callers and tests, never for requests on behalf of users.
public struct BucketRef: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The bucket name.
    public var name: String
    /// The bucket's id (``BucketRecord/id``); nil: not checked.
    public var id: String?

    /// A reference to a bucket by name and id.
    public init(name: String, id: String?) {
        self.name = name
        self.id = id
    }

    /// A reference to the bucket of a record, checked by its id.
    public init(_ bucket: BucketRecord) {
        self.init(name: bucket.name, id: bucket.id)
    }

    /// A reference by name alone, not checked (administration and tests).
    public static func unchecked(_ name: String) -> BucketRef {
        BucketRef(name: name, id: nil)
    }

    public var description: String { name }
}
