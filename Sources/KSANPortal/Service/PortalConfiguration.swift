import KSANBus
import KSANMetadata

/// What the portal needs to start.
public struct PortalConfiguration: Sendable, CustomStringConvertible {
    /// The address the API listens on.
    public var listenHost: String
    /// The port (0: any free one).
    public var listenPort: Int
    /// The cluster's database (the metadata service owns its schema: the portal waits for it).
    public var postgres: MetadataServiceConfiguration.Postgres
    /// An API key to make sure exists at start (the bootstrap key an installer writes), or nil.
    public var bootstrapKey: APIKey?
    /// The broker the portal sends its heartbeats to; nil: none.
    public var bus: RabbitMQConfiguration?
    /// What a joining host is given.
    public var join: JoinSettings

    public init(
        listenHost: String = "127.0.0.1", listenPort: Int = 9400, postgres: MetadataServiceConfiguration.Postgres,
        bootstrapKey: APIKey? = nil, bus: RabbitMQConfiguration? = nil, join: JoinSettings = JoinSettings()
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.postgres = postgres
        self.bootstrapKey = bootstrapKey
        self.bus = bus
        self.join = join
    }

    /// Without secrets.
    public var description: String {
        "PortalConfiguration(listen: \(listenHost):\(listenPort), postgres: \(postgres), "
            + "bootstrap key: \(bootstrapKey?.id ?? "-"), \(join))"
    }
}
