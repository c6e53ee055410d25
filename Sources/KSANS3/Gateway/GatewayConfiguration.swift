import KSANBus
import KSANCore
import KSANData

/// How a gateway process is set up.
public struct GatewayConfiguration: Sendable {
    /// Address to listen on.
    public var listen: HostPort
    /// Base URL of the metadata service.
    public var metadataURL: String
    /// How long one metadata call may take before the gateway gives up on it (its outcome is then unknown).
    public var metadataTimeout: Duration
    /// The region this gateway serves (GetBucketLocation, default LocationConstraint).
    public var region: String
    /// Domains for virtual-hosted-style requests (`bucket.<domain>`); path style always works.
    public var domains: [String]
    /// Data path tunables.
    public var dataPlane: DataPlane.Options
    /// Seconds after which garbage collection (in `ksan-worker`) takes a write intent that its writer stopped
    /// marking alive for abandoned: a write marks its intent alive every quarter of this.
    public var intentAge: Double
    /// The key that signs calls to metadata and the OSDs, if they require one.
    public var clusterKey: ClusterKey?
    /// The RabbitMQ broker whose control events (topology and key changes) make the gateway forget what it cached
    /// at once; nil: caches expire by themselves (10 s).
    public var bus: RabbitMQConfiguration?
    /// Where `/metrics` is served (a port of its own: every path of the S3 port is S3's); nil: not served.
    public var metricsListen: HostPort?
    /// The longest lifetime, in seconds, of a Signature Version 2 presigned URL (`Expires` at most this far ahead);
    /// nil: no cap, as in AWS. Default: 7 days, the cap of Signature Version 4.
    public var sigV2MaxExpiry: Int?
    /// How many POST Object forms may be read at once before their signature is checked; more are answered
    /// 503 SlowDown, so unauthenticated bodies cannot fill the gateway's memory.
    public var maxUnauthenticatedForms: Int

    /// Creates a configuration.
    public init(
        listen: HostPort, metadataURL: String, metadataTimeout: Duration = .seconds(30), region: String = "us-east-1",
        domains: [String] = [],
        dataPlane: DataPlane.Options = .init(), intentAge: Double = 6 * 3600, clusterKey: ClusterKey? = nil,
        sigV2MaxExpiry: Int? = 604_800, maxUnauthenticatedForms: Int = 64, bus: RabbitMQConfiguration? = nil,
        metricsListen: HostPort? = nil
    ) {
        self.listen = listen
        self.metadataURL = metadataURL
        self.metadataTimeout = metadataTimeout
        self.region = region
        self.domains = domains
        self.dataPlane = dataPlane
        self.intentAge = intentAge
        self.clusterKey = clusterKey
        self.sigV2MaxExpiry = sigV2MaxExpiry
        self.maxUnauthenticatedForms = maxUnauthenticatedForms
        self.bus = bus
        self.metricsListen = metricsListen
    }
}
