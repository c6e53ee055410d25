/// The parameters of ListMultipartUploads.
public struct ListUploadsQuery: Codable, Sendable, Hashable {
    /// Only keys starting with this.
    public var prefix: String
    /// Roll keys containing this after the prefix into common prefixes.
    public var delimiter: String?
    /// Start after this key (with `uploadIdMarker`: after that upload of this key).
    public var keyMarker: String?
    /// Upload id marker, meaningful with `keyMarker`.
    public var uploadIdMarker: String?
    /// At most this many uploads plus common prefixes (1...1000).
    public var maxUploads: Int

    /// Creates a query.
    public init(
        prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil, uploadIdMarker: String? = nil,
        maxUploads: Int = 1000
    ) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.uploadIdMarker = uploadIdMarker
        self.maxUploads = maxUploads
    }
}
