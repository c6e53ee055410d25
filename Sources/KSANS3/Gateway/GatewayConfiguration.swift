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
    /// Seconds between garbage-collection passes.
    public var gcInterval: Double
    /// Seconds after which a write intent that its writer stopped marking alive is considered abandoned.
    public var intentAge: Double
    /// Seconds the data of an overwritten or deleted version stays on disk before garbage collection deletes it: a
    /// read (or copy) that started on that version finishes on it if it takes less than this. Default 2 hours, as
    /// Ceph RGW's `rgw_gc_obj_min_wait`.
    public var gcGrace: Double
    /// Seconds between repair passes.
    public var repairInterval: Double
    /// MB (MiB) per second of shards repair reads and writes at most; 0: no limit. A live setting (`repair-rate`).
    public var repairRate: Int
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
        dataPlane: DataPlane.Options = .init(), gcInterval: Double = 10, intentAge: Double = 6 * 3600,
        gcGrace: Double = 2 * 3600,
        repairInterval: Double = 10, clusterKey: ClusterKey? = nil, sigV2MaxExpiry: Int? = 604_800,
        maxUnauthenticatedForms: Int = 64, bus: RabbitMQConfiguration? = nil,
        metricsListen: HostPort? = nil, repairRate: Int = 0
    ) {
        self.repairRate = repairRate
        self.listen = listen
        self.metadataURL = metadataURL
        self.metadataTimeout = metadataTimeout
        self.region = region
        self.domains = domains
        self.dataPlane = dataPlane
        self.gcInterval = gcInterval
        self.intentAge = intentAge
        self.gcGrace = gcGrace
        self.repairInterval = repairInterval
        self.clusterKey = clusterKey
        self.sigV2MaxExpiry = sigV2MaxExpiry
        self.maxUnauthenticatedForms = maxUnauthenticatedForms
        self.bus = bus
        self.metricsListen = metricsListen
    }
}
