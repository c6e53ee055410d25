/// A page of ListObjectVersions: versions and delete markers in key order, newest first within a key, and the
/// common prefixes, in the order S3 lists them.
public struct ListVersionsResult: Codable, Sendable, Hashable {
    /// The versions and delete markers, in order.
    public var versions: [VersionSummary]
    /// The common prefixes (with a delimiter).
    public var commonPrefixes: [String]
    /// Whether more entries follow.
    public var isTruncated: Bool
    /// When truncated: the key (or common prefix) of the last entry, to continue after.
    public var nextKeyMarker: String?
    /// When truncated after a version: its id, to continue after it.
    public var nextVersionIdMarker: String?

    /// Creates a page.
    public init(
        versions: [VersionSummary], commonPrefixes: [String], isTruncated: Bool, nextKeyMarker: String?,
        nextVersionIdMarker: String?
    ) {
        self.versions = versions
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextVersionIdMarker = nextVersionIdMarker
    }
}
