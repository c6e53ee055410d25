/// The counts of `ksanctl status`, read in one query.
public struct ClusterSummary: Codable, Sendable, Hashable {
    public var servers: Int
    public var disks: Int
    public var pools: Int
    public var defaultPool: String?
    public var users: Int
    public var buckets: Int
    /// Current versions of objects, and their bytes.
    public var objects: Int64
    public var bytes: Int64
    /// The sum over the disks that reported their space.
    public var capacityBytes: Int64
    public var usedBytes: Int64

    public init(
        servers: Int, disks: Int, pools: Int, defaultPool: String?, users: Int, buckets: Int, objects: Int64,
        bytes: Int64, capacityBytes: Int64, usedBytes: Int64
    ) {
        self.servers = servers
        self.disks = disks
        self.pools = pools
        self.defaultPool = defaultPool
        self.users = users
        self.buckets = buckets
        self.objects = objects
        self.bytes = bytes
        self.capacityBytes = capacityBytes
        self.usedBytes = usedBytes
    }
}
