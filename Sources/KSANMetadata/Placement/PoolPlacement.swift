/// Deterministic placement of a stripe's shards on a pool's disks.
///
/// The pool's failure domains (its hosts, or the racks of its hosts: ``FailureDomain``) are ranked by rendezvous
/// (highest-random-weight) hashing of the data id, and the `k + m` shards are dealt round-robin over the ranked
/// domains, so every domain of the pool gets either `⌊(k+m)/D⌋` or `⌈(k+m)/D⌉` shards. Within a rack, its hosts are
/// ranked the same way and take its shards in turn; within a host, so are its disks. Losing any one domain therefore
/// loses at most `⌈(k+m)/D⌉` shards, and ``validate(pool:topology:)`` refuses a pool where that exceeds `m`. Adding or
/// removing a disk moves only the data ids that ranked it, and the chosen disks are recorded in metadata, so placement
/// never has to be recomputed to find data. A pool whose domain is the host places exactly as before racks existed.
public enum PoolPlacement {
    /// A failure domain of a pool: its id (a host's or a rack's) and its disks, by host.
    struct Domain {
        var id: String
        var hosts: [(id: String, disks: [String])]
        var diskCount: Int { hosts.reduce(0) { $0 + $1.disks.count } }
    }

    /// Checks that a pool can place every stripe so that losing one failure domain loses at most `m` shards.
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
        let domains = try domainsOf(pool: pool, topology: topology)
        let kind = pool.domain.rawValue
        let width = k + m
        let perDomain = (width + domains.count - 1) / domains.count
        if m >= 1 && perDomain > m && pool.replicas.map({ $0 > 1 }) ?? true {
            throw invalid(
                pool,
                "\(k)+\(m) over \(domains.count) \(kind)(s) puts up to \(perDomain) shards of a stripe on one \(kind), "
                    + "more than m = \(m): losing that \(kind) would lose data; add \(kind)s or lower k"
            )
        }
        for domain in domains where domain.diskCount < perDomain {
            throw invalid(
                pool,
                "\(kind) \(domain.id) has \(domain.diskCount) disk(s) in the pool but must hold \(perDomain) shards of "
                    + "a stripe on distinct disks"
            )
        }
    }

    /// The disk of each shard index (`k + m` entries) for a data id.
    /// - Throws: ``MetadataError`` `.invalidTopology` if the pool cannot place a stripe.
    ///
    /// Only disks that accept new shards (``DiskSettings/acceptsNewShards``) are candidates. If excluding the others
    /// leaves a pool that could lose data with one failure domain down, or too few disks, nothing is placed: a write
    /// is refused rather than stored with less redundancy than the pool promises. The error is
    /// `.insufficientCapacity` when full disks are what the pool lacks (it could place a stripe if they had room),
    /// `.unavailable` otherwise.
    ///
    /// Disks of Offline hosts are left out too, when the rest can still place a stripe safely: new data then gets
    /// its full redundancy on the hosts that serve. When they cannot (too few hosts or disks left), the Offline
    /// hosts' disks stay candidates, and the write stores what it can with its quorum and queues the rest for
    /// repair, as for a host that fails during the write.
    public static func place(dataId: String, pool fullPool: Topology.Pool, topology: Topology) throws -> [String] {
        var pool = fullPool
        if topology.diskSettings != nil {
            pool.disks = fullPool.disks.filter { topology.settings(ofDisk: $0).acceptsNewShards }
            if pool.disks.count != fullPool.disks.count {
                do {
                    try validate(pool: pool, topology: topology)
                } catch let error as MetadataError {
                    var withRoom = fullPool
                    withRoom.disks = fullPool.disks.filter {
                        topology.settings(ofDisk: $0).acceptsNewShardsWhenItHasRoom
                    }
                    if withRoom.disks.count != pool.disks.count,
                        (try? validate(pool: withRoom, topology: topology)) != nil
                    {
                        throw MetadataError(
                            .insufficientCapacity,
                            "pool \(fullPool.id) is full: \(fullPool.disks.count - pool.disks.count) of its "
                                + "\(fullPool.disks.count) disks take no new shards, too many to place a stripe")
                    }
                    throw MetadataError(
                        .unavailable,
                        "pool \(fullPool.id) has too few writable disks (\(pool.disks.count) of \(fullPool.disks.count)): "
                            + error.message)
                }
            }
        }
        if topology.hosts.contains(where: \.isOffline) {
            var serving = pool
            serving.disks = pool.disks.filter { !topology.isOnOfflineHost($0) }
            if serving.disks.count != pool.disks.count, (try? validate(pool: serving, topology: topology)) != nil {
                pool = serving
            }
        }
        let width = pool.dataShards + pool.parityShards
        let domains = try domainsOf(pool: pool, topology: topology)
            .map { (domain: $0, weight: weight(dataId, $0.id)) }
            .sorted { $0.weight > $1.weight }
        var disksByDomain = domains.map { ranked(dataId, $0.domain)[...] }
        var result: [String] = []
        result.reserveCapacity(width)
        var index = 0
        while result.count < width {
            let d = index % domains.count
            if let disk = disksByDomain[d].popFirst() {
                result.append(disk)
            } else if disksByDomain.allSatisfy(\.isEmpty) {
                throw invalid(pool, "pool has fewer disks than k + m = \(width)")
            }
            index += 1
        }
        return result
    }

    /// A domain's disks in the order it takes shards: its hosts ranked for the data id take turns, each giving its
    /// own disks in their rank order.
    static func ranked(_ dataId: String, _ domain: Domain) -> [String] {
        var hosts = domain.hosts
            .sorted { weight(dataId, $0.id) > weight(dataId, $1.id) }
            .map { $0.disks.sorted { weight(dataId, $0) > weight(dataId, $1) }[...] }
        var result: [String] = []
        result.reserveCapacity(domain.diskCount)
        while result.count < domain.diskCount {
            for h in hosts.indices {
                if let disk = hosts[h].popFirst() { result.append(disk) }
            }
        }
        return result
    }

    /// The pool's disks grouped by failure domain (in the order their first disk appears in the pool), each
    /// domain's by host. A pool whose domain is the rack needs every host of its disks in a rack.
    static func domainsOf(pool: Topology.Pool, topology: Topology) throws -> [Domain] {
        var result: [Domain] = []
        var seen = Set<String>()
        for disk in pool.disks {
            guard seen.insert(disk).inserted else { throw invalid(pool, "disk \(disk) is listed twice") }
            guard let host = topology.host(ofDisk: disk) else {
                throw invalid(pool, "disk \(disk) belongs to no host")
            }
            let domainId: String
            switch pool.domain {
            case .host: domainId = host.id
            case .rack:
                guard let rack = host.rack else {
                    throw invalid(
                        pool,
                        "host \(host.id) of disk \(disk) is in no rack, and the pool's failure domain is the rack "
                            + "(ksanctl server set-rack)")
                }
                domainId = rack
            }
            if let d = result.firstIndex(where: { $0.id == domainId }) {
                if let h = result[d].hosts.firstIndex(where: { $0.id == host.id }) {
                    result[d].hosts[h].disks.append(disk)
                } else {
                    result[d].hosts.append((host.id, [disk]))
                }
            } else {
                result.append(Domain(id: domainId, hosts: [(host.id, [disk])]))
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
