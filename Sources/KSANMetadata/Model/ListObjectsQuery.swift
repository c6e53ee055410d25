/// The parameters of an object listing, common to ListObjects (v1) and ListObjectsV2.
public struct ListObjectsQuery: Codable, Sendable, Hashable {
    /// Only keys starting with this.
    public var prefix: String
    /// Roll keys that contain this after the prefix into common prefixes; nil or empty for none.
    public var delimiter: String?
    /// Start strictly after this key or common prefix (marker, start-after, or a decoded continuation token).
    public var startAfter: String?
    /// At most this many keys plus common prefixes (0...1000).
    public var maxKeys: Int

    /// Creates a query.
    public init(prefix: String = "", delimiter: String? = nil, startAfter: String? = nil, maxKeys: Int = 1000) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.startAfter = startAfter
        self.maxKeys = maxKeys
    }
}
