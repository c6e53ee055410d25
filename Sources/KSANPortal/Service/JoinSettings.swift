/// What the portal gives a host that joins with a valid token (`POST /api/v1/join`).
public struct JoinSettings: Sendable, CustomStringConvertible {
    /// The cluster key's text; nil: this portal cannot let hosts join (it was started without one).
    public var clusterKey: String?
    /// The metadata service's URL to hand out; nil: the first online one of the service registry.
    public var metadataURL: String?
    /// The broker's URL to hand out (the portal's own), if any.
    public var amqpURL: String?

    public init(clusterKey: String? = nil, metadataURL: String? = nil, amqpURL: String? = nil) {
        self.clusterKey = clusterKey
        self.metadataURL = metadataURL
        self.amqpURL = amqpURL
    }

    /// Without secrets.
    public var description: String {
        "join: \(clusterKey == nil ? "off (no cluster key)" : "on"), metadata \(metadataURL ?? "from the registry")"
    }
}
