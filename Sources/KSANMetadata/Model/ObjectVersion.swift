import Foundation

/// One version of an object: its system and user metadata and where its bytes are.
public struct ObjectVersion: Codable, Sendable, Hashable {
    /// The bucket.
    public var bucket: String
    /// The key.
    public var key: String
    /// The version id: `"null"` for a version written while the bucket's versioning was not enabled, otherwise the
    /// id the store gave it at commit (the gateway's value is ignored: ``MetadataStore/commitObject(_:in:condition:)``).
    public var versionId: String
    /// Whether this version is a delete marker: no data, and GET of the key answers 404 while it is current.
    public var isDeleteMarker: Bool
    /// Total size in bytes.
    public var size: Int64
    /// The ETag without quotes: MD5 hex, or `md5-of-md5s-N` for multipart.
    public var etag: String
    /// When this version was written.
    public var lastModified: Date
    /// Content-Type.
    public var contentType: String
    /// `x-amz-meta-*` headers, names lower-cased without the prefix.
    public var userMetadata: [String: String]
    /// Other standard headers stored with the object (Content-Encoding, Content-Disposition, Cache-Control,
    /// Content-Language, Expires), keyed by lower-case header name.
    public var headers: [String: String]
    /// The owner's user id.
    public var ownerId: String
    /// The bytes, in order. Multipart objects have one segment per part.
    public var segments: [ObjectSegment]
    /// The sizes of the parts, for multipart objects (used by `partNumber` reads); nil otherwise.
    public var partCount: Int?

    /// Creates a version.
    public init(
        bucket: String, key: String, versionId: String = "null", size: Int64, etag: String, lastModified: Date,
        contentType: String, userMetadata: [String: String], headers: [String: String], ownerId: String,
        segments: [ObjectSegment], partCount: Int? = nil, isDeleteMarker: Bool = false
    ) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.userMetadata = userMetadata
        self.headers = headers
        self.ownerId = ownerId
        self.segments = segments
        self.partCount = partCount
        self.isDeleteMarker = isDeleteMarker
    }

    /// The data layouts of every segment stored on OSDs.
    public var layouts: [DataLayout] { segments.compactMap(\.layout) }
}
