import Foundation

/// How a pool's shards are spread over its disks, and which shard moves even it out (`ksanctl pool rebalance`,
/// after disks were added): a pure decision, tested without I/O.
///
/// Only the disks that take new shards count (ReadWrite, Good or Weak, on a host that is not Offline), and full disks
/// that would otherwise (their shards may leave, none arrive); the others are left as they are (a drain or a rebuild
/// empties them). The pool is balanced when every such disk is within
/// `tolerance` of their mean. A move takes one shard from a disk above the mean (most loaded first) to the least
/// loaded disk below it that the data does not use yet, in a failure domain that then holds at most m of its
/// shards, and only if the target still holds no more than the source afterwards: loads only converge, a shard
/// never moves back and forth, and no more moves than needed are made (a source stops at the mean).
public struct ShardBalance: Sendable, Hashable {
    public let poolId: String
    /// The bytes of shards each counted disk holds, as planned so far.
    public private(set) var loads: [String: Int64]
    /// The fraction of the mean by which a disk may differ from it.
    public let tolerance: Double

    public init(pool: Topology.Pool, loads: [String: Int64], topology: Topology, tolerance: Double = 0.1) {
        self.poolId = pool.id
        self.tolerance = tolerance
        var counted: [String: Int64] = [:]
        var full = Set<String>()
        for disk in pool.disks where !topology.isOnOfflineHost(disk) && topology.host(ofDisk: disk) != nil {
            let settings = topology.settings(ofDisk: disk)
            guard settings.acceptsNewShardsWhenItHasRoom else { continue }
            if settings.full { full.insert(disk) }
            counted[disk] = loads[disk] ?? 0
        }
        self.loads = counted
        self.full = full
    }

    /// The counted disks that are full: sources only, never targets.
    public let full: Set<String>

    /// The mean load of the counted disks.
    public var mean: Double {
        loads.isEmpty ? 0 : Double(loads.values.reduce(0, +)) / Double(loads.count)
    }

    /// Whether every counted disk is within the tolerance of the mean.
    public var isBalanced: Bool {
        let mean = self.mean
        return loads.values.allSatisfy { abs(Double($0) - mean) <= tolerance * mean }
    }

    /// The bytes above the mean: what an even spread moves, at least.
    public var bytesToMove: Int64 {
        let mean = self.mean
        return loads.values.reduce(0) { $0 + max(0, Int64((Double($1) - mean).rounded(.up))) }
    }

    /// The disks to take shards from: those above the mean, most loaded first (ties: by id).
    public var sources: [String] {
        let mean = self.mean
        return loads.filter { Double($0.value) > mean }.sorted { a, b in
            a.value != b.value ? a.value > b.value : a.key < b.key
        }.map(\.key)
    }

    /// The move of the shard of `layout` on `source` to the least loaded disk that may take it, or nil if none may
    /// (the source is not above the mean, or no disk below it may take the shard without then holding more).
    public func move(for layout: DataLayout, from source: String, topology: Topology) -> ShardMove? {
        let mean = self.mean
        guard let index = layout.diskIds.firstIndex(of: source), let sourceLoad = loads[source],
            Double(sourceLoad) > mean, let pool = topology.pools.first(where: { $0.id == layout.poolId })
        else { return nil }
        let bytes = Self.shardBytes(layout)
        let domains = StripeDomains(
            disks: layout.diskIds, excluding: index, maxPerDomain: layout.parityShards, pool: pool, topology: topology)
        let used = Set(layout.diskIds)
        let key = "\(layout.dataId)#\(index)"
        let target = loads.filter { disk, load in
            !used.contains(disk) && !full.contains(disk) && Double(load) < mean && load + bytes <= sourceLoad - bytes
                && domains.admits(disk)
        }.min { a, b in
            if a.value != b.value { return a.value < b.value }
            return PoolPlacement.weight(key, a.key) > PoolPlacement.weight(key, b.key)
        }?.key
        return target.map { ShardMove(index: index, from: source, to: $0) }
    }

    /// Records a planned move, so the next one sees the loads it leaves.
    public mutating func apply(_ move: ShardMove, of layout: DataLayout) {
        let bytes = Self.shardBytes(layout)
        if loads[move.from] != nil { loads[move.from]! -= bytes }
        if loads[move.to] != nil { loads[move.to]! += bytes }
    }

    /// The bytes of one shard of `layout`: its size over its data shards (all of it when replicated).
    public static func shardBytes(_ layout: DataLayout) -> Int64 {
        let shards = Int64(layout.replicated ? 1 : max(layout.dataShards, 1))
        return (layout.size + shards - 1) / shards
    }
}
