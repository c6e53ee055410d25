/// How many shards of one stripe each failure domain (host or rack) holds, leaving out the shard at `index` (the one
/// that moves), and whether a disk's domain may take it: at most `maxPerDomain` (m) shards of a stripe per domain.
/// Shared by ``ShardRelocation`` and ``ShardBalance``.
struct StripeDomains {
    let pool: Topology.Pool
    let topology: Topology
    let limit: Int
    private(set) var counts: [String: Int] = [:]

    init(disks: [String], excluding index: Int, maxPerDomain: Int, pool: Topology.Pool, topology: Topology) {
        self.pool = pool
        self.topology = topology
        self.limit = maxPerDomain > 0 ? maxPerDomain : disks.count
        for (i, disk) in disks.enumerated() where i != index {
            if let d = domain(of: disk) { counts[d, default: 0] += 1 }
        }
    }

    /// The disk's host, or its rack for a pool whose failure domain is the rack; nil if the disk has no host.
    func domain(of disk: String) -> String? {
        guard let host = topology.host(ofDisk: disk) else { return nil }
        return pool.domain == .rack ? host.rack : host.id
    }

    /// Shards of the stripe (the moving one left out) in the disk's domain.
    func count(of disk: String) -> Int { domain(of: disk).map { counts[$0, default: 0] } ?? 0 }

    /// Whether the disk's domain may take the moving shard.
    func admits(_ disk: String) -> Bool { domain(of: disk).map { counts[$0, default: 0] < limit } == true }
}
