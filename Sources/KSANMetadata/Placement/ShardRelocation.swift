import Foundation

/// Where shards go when they must leave their disks (rebuild of a Bad disk or of a host Offline for too long, drain
/// of a Disabled disk): a pure decision, tested without I/O.
///
/// A shard moves to a disk of its pool that accepts new shards, is not on an Offline host, is not being emptied, and
/// does not hold another shard of the same data; among those, to the failure domain (host or rack) that holds the
/// fewest shards of the data, never beyond m of them, so the stripe still survives losing any one domain. Ties are
/// broken by rendezvous hashing of the data id and shard index, so the choice is the same on every worker and after
/// a crash: a rebuild that is started again writes to the disk it had chosen.
public enum ShardRelocation {
    /// The disks whose shards must move at `now`: Bad and Disabled disks, and every disk of a host Offline for at
    /// least `offlineFor` seconds.
    public static func disksToEmpty(in topology: Topology, now: Date, offlineFor: TimeInterval) -> Set<String> {
        var disks = Set<String>()
        for host in topology.hosts {
            let gone = host.isOffline && (host.stateSince.map { now.timeIntervalSince($0) >= offlineFor } ?? true)
            for disk in host.disks {
                let state = topology.settings(ofDisk: disk).state
                if gone || state == .bad || state == .disabled { disks.insert(disk) }
            }
        }
        return disks
    }

    /// The moves that take the shards of `layout` off `emptying`, each to its target; shards with no possible target
    /// (too few healthy disks or domains left) are left out.
    public static func moves(for layout: DataLayout, emptying: Set<String>, topology: Topology) -> [ShardMove] {
        guard let pool = topology.pools.first(where: { $0.id == layout.poolId }) else { return [] }
        var disks = layout.diskIds
        var moves: [ShardMove] = []
        for index in disks.indices where emptying.contains(disks[index]) {
            guard
                let target = target(
                    index: index, dataId: layout.dataId, disks: disks, pool: pool, emptying: emptying,
                    maxPerDomain: layout.parityShards, topology: topology)
            else { continue }
            moves.append(ShardMove(index: index, from: disks[index], to: target))
            disks[index] = target
        }
        return moves
    }

    static func target(
        index: Int, dataId: String, disks: [String], pool: Topology.Pool, emptying: Set<String>, maxPerDomain: Int,
        topology: Topology
    ) -> String? {
        let domains = StripeDomains(
            disks: disks, excluding: index, maxPerDomain: maxPerDomain, pool: pool, topology: topology)
        let used = Set(disks)
        let candidates = pool.disks.filter { disk in
            !used.contains(disk) && !emptying.contains(disk) && topology.settings(ofDisk: disk).acceptsNewShards
                && !topology.isOnOfflineHost(disk) && domains.admits(disk)
        }
        let key = "\(dataId)#\(index)"
        return candidates.min { a, b in
            let (ca, cb) = (domains.count(of: a), domains.count(of: b))
            if ca != cb { return ca < cb }
            return PoolPlacement.weight(key, a) > PoolPlacement.weight(key, b)
        }
    }
}
