/// A page of an object listing.
public struct ListObjectsResult: Codable, Sendable, Hashable {
    /// The objects, in byte order of their keys.
    public var objects: [ObjectSummary]
    /// The common prefixes (each ends with the delimiter), in byte order.
    public var commonPrefixes: [String]
    /// Whether more entries follow.
    public var isTruncated: Bool
    /// The last key or common prefix returned: the marker of the next page when truncated.
    public var nextMarker: String?

    /// Creates a result.
    public init(objects: [ObjectSummary], commonPrefixes: [String], isTruncated: Bool, nextMarker: String?) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextMarker = nextMarker
    }
}
