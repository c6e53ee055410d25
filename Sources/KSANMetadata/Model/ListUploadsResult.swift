/// A page of ListMultipartUploads.
public struct ListUploadsResult: Codable, Sendable, Hashable {
    /// Uploads ordered by key (byte order), then by initiation time.
    public var uploads: [MultipartUpload]
    /// Common prefixes when a delimiter was given.
    public var commonPrefixes: [String]
    /// Whether more entries follow.
    public var isTruncated: Bool
    /// Key marker of the next page.
    public var nextKeyMarker: String?
    /// Upload id marker of the next page.
    public var nextUploadIdMarker: String?

    /// Creates a result.
    public init(
        uploads: [MultipartUpload], commonPrefixes: [String], isTruncated: Bool, nextKeyMarker: String?,
        nextUploadIdMarker: String?
    ) {
        self.uploads = uploads
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextUploadIdMarker = nextUploadIdMarker
    }
}
