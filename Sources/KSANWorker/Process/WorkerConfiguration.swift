import KSANBus
import KSANCore

/// How a `ksan-worker` process is set up.
public struct WorkerConfiguration: Sendable {
    /// Address of the worker's own port: `GET /_ksan/health` and `GET /metrics`.
    public var listen: HostPort
    /// Base URL of the metadata service.
    public var metadataURL: String
    /// How long one metadata call may take before the worker gives up on it.
    public var metadataTimeout: Duration
    /// Seconds between garbage-collection passes that found nothing to do.
    public var gcInterval: Double
    /// Seconds the data of an overwritten or deleted version stays on disk before garbage collection deletes it: a
    /// read (or copy) that started on that version finishes on it if it takes less than this. Default 2 hours, as
    /// Ceph RGW's `rgw_gc_obj_min_wait`.
    public var gcGrace: Double
    /// Seconds after which a write intent that its writer stopped marking alive is taken for abandoned (the
    /// gateways' `--intent-age`, which they mark their intents alive by: keep the two equal).
    public var intentAge: Double
    /// Seconds between repair passes that found nothing to do.
    public var repairInterval: Double
    /// MB (MiB) per second of shards repair reads and writes at most; 0: no limit. A live setting (`repair-rate`).
    public var repairRate: Int
    /// Seconds a host stays Offline before its shards are rebuilt on other hosts (Bad and Disabled disks are
    /// emptied at once).
    public var rebuildAfter: Double = 600
    /// Seconds between rebuild passes that found nothing to do.
    public var rebuildInterval: Double = 10
    /// MB (MiB) per second of shards the rebuild reads and writes at most; 0: no limit. A live setting
    /// (`rebuild-rate`).
    public var rebuildRate: Int = 0
    /// Data the rebuild relocates at once.
    public var rebuildParallel: Int = 4
    /// MB (MiB) per second of shards a pool rebalance reads and writes at most; 0: no limit. A live setting
    /// (`rebalance-rate`).
    public var rebalanceRate: Int = 64
    /// Seconds between rebalance passes that found nothing to do.
    public var rebalanceInterval: Double = 10
    /// The key that signs calls to metadata and the OSDs, if they require one.
    public var clusterKey: ClusterKey?
    /// The RabbitMQ broker the worker sends heartbeats to and takes live settings from; nil: neither.
    public var bus: RabbitMQConfiguration?

    /// Creates a configuration.
    public init(
        listen: HostPort, metadataURL: String, metadataTimeout: Duration = .seconds(30), gcInterval: Double = 10,
        gcGrace: Double = 2 * 3600, intentAge: Double = 6 * 3600, repairInterval: Double = 10, repairRate: Int = 0,
        clusterKey: ClusterKey? = nil, bus: RabbitMQConfiguration? = nil
    ) {
        self.listen = listen
        self.metadataURL = metadataURL
        self.metadataTimeout = metadataTimeout
        self.gcInterval = gcInterval
        self.gcGrace = gcGrace
        self.intentAge = intentAge
        self.repairInterval = repairInterval
        self.repairRate = repairRate
        self.clusterKey = clusterKey
        self.bus = bus
    }
}
