import KSANBus
import KSANCore

/// How an OSD process is set up.
public struct OSDConfiguration: Sendable {
    /// One disk directory served by the OSD.
    public struct Disk: Sendable, Hashable {
        /// The disk id, unique in the cluster (`osd1-d1`).
        public var id: String
        /// Its root directory.
        public var path: String

        /// Creates a disk.
        public init(id: String, path: String) {
            self.id = id
            self.path = path
        }

        /// Parses `id=/path`.
        public init?(argument: String) {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
            let path = String(argument[argument.index(after: eq)...])
            guard path.hasPrefix("/") else { return nil }
            self.init(id: String(argument[..<eq]), path: path)
        }
    }

    /// Address to listen on.
    public var listen: HostPort
    /// This host's id.
    public var hostId: String
    /// The disks.
    public var disks: [Disk]
    /// Time between the end of one scrub pass and the start of the next; nil: no scrubbing.
    public var scrubInterval: Duration?
    /// Bytes per second a scrub pass reads, at most.
    public var scrubRate: Int
    /// How old the files of data metadata knows nothing of must be before the scrub deletes them; nil: orphans are
    /// only logged.
    public var orphanAge: Duration?
    /// The key every call must be signed with.
    public var clusterKey: ClusterKey?
    /// Whether the OSD may start without a cluster key, its API open to anyone who can reach it (a private network
    /// only). Without a key and without this, the OSD refuses to start.
    public var allowOpenAPI: Bool
    /// The broker the OSD sends its heartbeats (with its disks' space) to; nil: none.
    public var bus: RabbitMQConfiguration?
    /// Distinct failures (I/O errors, corrupt shards) within ``diskErrorWindow`` that make a disk Weak.
    public var diskWeakErrors: Int = 3
    /// Distinct failures within ``diskErrorWindow`` that make a disk Bad.
    public var diskBadErrors: Int = 10
    /// Seconds a disk's failure counts.
    public var diskErrorWindow: Double = 3600
    /// The free space kept on every disk: writes that would leave less are refused, and a disk with less than
    /// twice as much reports itself full (``DiskFullness``).
    public var diskReserve: DiskReserve = .standard

    /// Creates a configuration.
    public init(
        listen: HostPort, hostId: String, disks: [Disk], scrubInterval: Duration? = nil,
        scrubRate: Int = 64 << 20, orphanAge: Duration? = .seconds(86_400), clusterKey: ClusterKey? = nil,
        allowOpenAPI: Bool = false, bus: RabbitMQConfiguration? = nil
    ) {
        self.listen = listen
        self.hostId = hostId
        self.disks = disks
        self.scrubInterval = scrubInterval
        self.scrubRate = scrubRate
        self.orphanAge = orphanAge
        self.clusterKey = clusterKey
        self.allowOpenAPI = allowOpenAPI
        self.bus = bus
    }
}
