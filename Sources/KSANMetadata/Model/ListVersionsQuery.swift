/// The parameters of ListObjectVersions.
public struct ListVersionsQuery: Codable, Sendable, Hashable {
    /// Only keys that start with this.
    public var prefix: String
    /// Roll keys up to common prefixes at this delimiter.
    public var delimiter: String?
    /// Start after this key: after the version `versionIdMarker` of it, or after all its versions without one.
    public var keyMarker: String?
    /// The version of `keyMarker` to start after (`null` names the null version).
    public var versionIdMarker: String?
    /// At most this many versions, markers and common prefixes (capped at 1,000).
    public var maxKeys: Int

    /// Creates a query.
    public init(
        prefix: String = "", delimiter: String? = nil, keyMarker: String? = nil, versionIdMarker: String? = nil,
        maxKeys: Int = 1000
    ) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.versionIdMarker = versionIdMarker
        self.maxKeys = maxKeys
    }
}
