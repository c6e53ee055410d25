import KSANCore

/// How a gateway process is set up.
public struct GatewayConfiguration: Sendable {
    /// Address to listen on.
    public var listen: HostPort
    /// Base URL of the metadata service.
    public var metadataURL: String
    /// The region this gateway serves (GetBucketLocation, default LocationConstraint).
    public var region: String
    /// Domains for virtual-hosted-style requests (`bucket.<domain>`); path style always works.
    public var domains: [String]
    /// Data path tunables.
    public var dataPlane: DataPlane.Options
    /// Seconds between garbage-collection passes.
    public var gcInterval: Double
    /// Age in seconds after which a write intent is considered abandoned.
    public var intentAge: Double
    /// Seconds between repair passes.
    public var repairInterval: Double
    /// The key that signs calls to metadata and the OSDs, if they require one.
    public var clusterKey: ClusterKey?

    /// Creates a configuration.
    public init(
        listen: HostPort, metadataURL: String, region: String = "us-east-1", domains: [String] = [],
        dataPlane: DataPlane.Options = .init(), gcInterval: Double = 10, intentAge: Double = 6 * 3600,
        repairInterval: Double = 10, clusterKey: ClusterKey? = nil
    ) {
        self.listen = listen
        self.metadataURL = metadataURL
        self.region = region
        self.domains = domains
        self.dataPlane = dataPlane
        self.gcInterval = gcInterval
        self.intentAge = intentAge
        self.repairInterval = repairInterval
        self.clusterKey = clusterKey
    }
}
