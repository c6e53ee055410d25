import KSANMetadata
import Logging

/// Moves object bytes between clients and OSDs: streaming erasure-coded writes with a quorum, and reads that
/// reconstruct from parity when shards are missing or corrupt. Its jobs are in files of their own: writes
/// (`DataPlane+Write`), reads (`DataPlane+Read`), reconstruction, repair and deletion; the decisions of a stripe's
/// shard writes and reads are pure state machines (``ShardWriteQuorum``, ``ShardGather``).
///
/// Write quorum: a stripe is acknowledged once at least `k + 1` of its `k + m` shards (for a replicated pool of `n`
/// copies: 2, or 1 when `n == 1`) are fsynced on their OSDs; fewer fails the write and its shards are deleted.
public struct DataPlane: Sendable {
    /// Tunables.
    public struct Options: Sendable {
        /// Bytes per shard block of a full stripe.
        public var blockSize: Int = 1024 * 1024
        /// Bodies up to this size are stored inline in metadata.
        public var inlineThreshold: Int = 64 * 1024
        /// Stripes being encoded or written at once per request.
        public var stripesInFlight: Int = 3
        /// A stripe read that has not got all its shards after this long asks for every other shard too, and uses
        /// whichever k arrive first.
        public var hedgeDelay: Duration = .seconds(1)
        /// Once a stripe's write quorum is durable, how long the remaining shard writes may still take (at least;
        /// twice the time the quorum took if that is longer) before they are abandoned and their hosts become
        /// suspect.
        public var writeGrace: Duration = .seconds(1)
        /// How often a write in progress marks its intent alive, so that garbage collection never takes a long
        /// upload for an abandoned one (the gateway keeps it well under its intent age).
        public var intentRefresh: Duration = .seconds(600)
        /// The process writing, recorded with each write intent so that garbage collection can collect the
        /// intents of a writer that died as soon as it restarts; nil for a process without heartbeats.
        public var writer: IntentWriter?

        /// Default options.
        public init() {}
    }

    /// Write intents and the repair queue.
    let catalog: any DataCatalog
    /// Where shards are written, read and deleted.
    let shards: any ShardTransport
    /// The topology placement and reads go by.
    public let topology: TopologyCache
    /// The tunables.
    public let options: Options
    /// The data plane's log.
    public let logger: Logger
    /// Hosts that lately failed to answer.
    let health: HostHealth

    /// Creates a data plane over a catalog and a shard transport.
    public init(
        catalog: any DataCatalog, shards: any ShardTransport, topology: TopologyCache, options: Options,
        logger: Logger, health: HostHealth = HostHealth()
    ) {
        self.catalog = catalog
        self.shards = shards
        self.topology = topology
        self.options = options
        self.logger = logger
        self.health = health
    }

    /// Creates a data plane whose catalog is the metadata service.
    public init(
        metadata: any MetadataStore, osd: any ShardTransport, topology: TopologyCache, options: Options,
        logger: Logger, health: HostHealth = HostHealth()
    ) {
        self.init(
            catalog: MetadataCatalog(metadata), shards: osd, topology: topology, options: options, logger: logger,
            health: health)
    }
}
