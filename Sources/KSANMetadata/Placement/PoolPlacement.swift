/// Deterministic placement of a stripe's shards on a pool's disks.
///
/// Hosts are ranked by rendezvous (highest-random-weight) hashing of the data id, and the `k + m` shards are dealt
/// round-robin over the ranked hosts, so every host of the pool gets either `⌊(k+m)/H⌋` or `⌈(k+m)/H⌉` shards; within
/// a host, disks are ranked by rendezvous hashing too. Losing any one host therefore loses at most `⌈(k+m)/H⌉`
/// shards, and ``validate(pool:topology:)`` refuses a pool where that exceeds `m`. Adding or removing a disk moves
/// only the data ids that ranked it, and the chosen disks are recorded in metadata, so placement never has to be
/// recomputed to find data.
public enum PoolPlacement {
    /// Checks that a pool can place every stripe so that losing one host loses at most `m` shards.
    /// - Throws: ``MetadataError`` `.invalidTopology` with a message naming the problem.
    public static func validate(pool: Topology.Pool, topology: Topology) throws {
        if let replicas = pool.replicas {
            guard (1...255).contains(replicas) else { throw invalid(pool, "replicas must be 1...255") }
        } else {
            guard let pk = pool.k, let pm = pool.m, pk >= 1, pm >= 1 else {
                throw invalid(pool, "an erasure-coded pool needs k >= 1 and m >= 1")
            }
            guard pk <= 255, pm <= 255, pk + pm <= 255 else { throw invalid(pool, "k + m must be at most 255") }
        }
        // Computed only now that the numbers are known to be small.
        let k = pool.dataShards
        let m = pool.parityShards
        let hosts = try hostsOf(pool: pool, topology: topology)
        let width = k + m
        let perHost = (width + hosts.count - 1) / hosts.count
        if m >= 1 && perHost > m && pool.replicas.map({ $0 > 1 }) ?? true {
            throw invalid(
                pool,
                "\(k)+\(m) over \(hosts.count) host(s) puts up to \(perHost) shards of a stripe on one host, "
                    + "more than m = \(m): losing that host would lose data; add hosts or lower k"
            )
        }
        for (host, disks) in hosts where disks.count < perHost {
            throw invalid(
                pool,
                "host \(host) has \(disks.count) disk(s) in the pool but must hold \(perHost) shards of a stripe on "
                    + "distinct disks"
            )
        }
    }

    /// The disk of each shard index (`k + m` entries) for a data id.
    /// - Throws: ``MetadataError`` `.invalidTopology` if the pool cannot place a stripe.
    ///
    /// Only disks that accept new shards (``DiskSettings/acceptsNewShards``) are candidates. If excluding the others
    /// leaves a pool that could lose data with one host down, or too few disks, nothing is placed
    /// (`.unavailable`): a write is refused rather than stored with less redundancy than the pool promises.
    public static func place(dataId: String, pool fullPool: Topology.Pool, topology: Topology) throws -> [String] {
        var pool = fullPool
        if topology.diskSettings != nil {
            pool.disks = fullPool.disks.filter { topology.settings(ofDisk: $0).acceptsNewShards }
            if pool.disks.count != fullPool.disks.count {
                do {
                    try validate(pool: pool, topology: topology)
                } catch let error as MetadataError {
                    throw MetadataError(
                        .unavailable,
                        "pool \(fullPool.id) has too few writable disks (\(pool.disks.count) of \(fullPool.disks.count)): "
                            + error.message)
                }
            }
        }
        let width = pool.dataShards + pool.parityShards
        let hosts = try hostsOf(pool: pool, topology: topology)
            .map { (host: $0.0, disks: $0.1, weight: weight(dataId, $0.0)) }
            .sorted { $0.weight > $1.weight }
        var disksByHost = hosts.map { host in
            host.disks.sorted { weight(dataId, $0) > weight(dataId, $1) }[...]
        }
        var result: [String] = []
        result.reserveCapacity(width)
        var index = 0
        while result.count < width {
            let h = index % hosts.count
            if let disk = disksByHost[h].popFirst() {
                result.append(disk)
            } else if disksByHost.allSatisfy(\.isEmpty) {
                throw invalid(pool, "pool has fewer disks than k + m = \(width)")
            }
            index += 1
        }
        return result
    }

    /// The pool's disks grouped by host, in the order hosts appear in the topology.
    static func hostsOf(pool: Topology.Pool, topology: Topology) throws -> [(String, [String])] {
        var result: [(String, [String])] = []
        var seen = Set<String>()
        for disk in pool.disks {
            guard seen.insert(disk).inserted else { throw invalid(pool, "disk \(disk) is listed twice") }
            guard let host = topology.host(ofDisk: disk) else {
                throw invalid(pool, "disk \(disk) belongs to no host")
            }
            if let i = result.firstIndex(where: { $0.0 == host.id }) {
                result[i].1.append(disk)
            } else {
                result.append((host.id, [disk]))
            }
        }
        guard !result.isEmpty else { throw invalid(pool, "pool has no disks") }
        let width = pool.dataShards + pool.parityShards
        guard pool.disks.count >= width else {
            throw invalid(pool, "pool has \(pool.disks.count) disk(s), fewer than the \(width) shards of a stripe")
        }
        return result
    }

    /// Rendezvous weight of a (data id, candidate) pair: 64-bit FNV-1a of both, finalised with a SplitMix64 mix.
    static func weight(_ dataId: String, _ candidate: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in dataId.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ 0xff) &* 0x0000_0100_0000_01b3
        for byte in candidate.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 30
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash = hash &* 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        return hash
    }

    static func invalid(_ pool: Topology.Pool, _ message: String) -> MetadataError {
        MetadataError(.invalidTopology, "pool \(pool.id): \(message)")
    }
}
