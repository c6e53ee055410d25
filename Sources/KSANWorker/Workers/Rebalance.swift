import Foundation
import KSANData
import KSANMetadata
import Logging
import Metrics
import NIOConcurrencyHelpers

/// Spreads the shards of a pool evenly over its disks once an operator asked for it (`ksanctl pool rebalance`,
/// typically after adding disks): takes shards off the most loaded disk (``ShardBalance``), page by page, copies
/// each to its target (``DataPlane/relocate(_:moves:)``, a direct copy from the source disk) and moves it in
/// placement atomically, as the rebuild does. The pool's request is cleared once it is balanced within the
/// tolerance, or once a whole walk over the most loaded disk found no shard that could move.
///
/// Bounded I/O: `bytesPerSecond()` (read at each pass; the live setting `rebalance-rate`, 64 MB/s unless set; 0: no
/// limit). Resumable and safe with several workers for the same reasons as ``Rebuild``.
public struct Rebalance: Worker {
    let metadata: any MetadataStore
    let data: DataPlane
    let batch: Int
    let parallel: Int
    let tolerance: Double
    let logger: Logger
    let bytesPerSecond: @Sendable () -> Int64
    let rate: NIOLockedValueBox<ByteRate>
    /// The walk through the data on one source disk: where it stands, whether it planned and moved anything, and
    /// the sources whose walks found nothing to move since the loads last changed.
    let walk = NIOLockedValueBox<Walk?>(nil)

    struct Walk: Sendable {
        var poolId: String
        var since: Date
        var source: String
        var after: String?
        var planned = false
        var moved = false
        var exhausted: Set<String> = []
    }

    public var name: String { "rebalance" }

    public init(
        metadata: any MetadataStore, data: DataPlane, batch: Int = 32, parallel: Int = 4, tolerance: Double = 0.1,
        bytesPerSecond: @escaping @Sendable () -> Int64 = { 0 }, logger: Logger
    ) {
        self.metadata = metadata
        self.data = data
        self.batch = batch
        self.parallel = max(1, parallel)
        self.tolerance = tolerance
        self.bytesPerSecond = bytesPerSecond
        self.rate = NIOLockedValueBox(ByteRate(bytesPerSecond: bytesPerSecond()))
        self.logger = logger
    }

    /// Busy while a pool asks for a rebalance and shards move; idle when none does (or every move failed: tried
    /// again after the idle interval); throttled at the rate limit.
    public func pass() async throws -> PassOutcome {
        let topology = try await metadata.topology()
        guard let pool = topology.pools.first(where: { $0.rebalanceSince != nil }), let since = pool.rebalanceSince
        else {
            walk.withLockedValue { $0 = nil }
            Gauge(label: "ksan_rebalance_bytes_to_move").record(0)
            return .idle
        }
        let limit = bytesPerSecond()
        rate.withLockedValue { if $0.bytesPerSecond != limit { $0.set(bytesPerSecond: limit) } }
        var balance = ShardBalance(
            pool: pool, loads: try await metadata.diskLoads(poolId: pool.id), topology: topology, tolerance: tolerance)
        Gauge(label: "ksan_rebalance_bytes_to_move").record(balance.bytesToMove)
        // A finished rebalance waits the idle interval before the next pool's: should the finish have changed
        // nothing, the worker does not spin on it.
        if balance.isBalanced {
            try await finish(pool.id, since: since, reason: "balanced")
            return .idle
        }
        let previous = walk.withLockedValue { $0 }.flatMap { $0.poolId == pool.id && $0.since == since ? $0 : nil }
        // Once shards moved, loads changed: every source is worth a walk again.
        let exhausted = previous.map { $0.moved ? [] : $0.exhausted } ?? []
        let sources = balance.sources.filter { !exhausted.contains($0) }
        guard let first = sources.first else {
            // Every disk above the mean was walked without finding a shard that may move: the pool is as even as
            // its failure-domain rule lets it be.
            try await finish(pool.id, since: since, reason: "no shard can move closer to an even spread")
            walk.withLockedValue { $0 = nil }
            return .idle
        }
        var current =
            previous.flatMap { sources.contains($0.source) ? $0 : nil }
            ?? Walk(poolId: pool.id, since: since, source: first, exhausted: exhausted)
        let source = current.source
        let layouts = try await metadata.placements(diskIds: [source], after: current.after, limit: batch)
        var planned: [(DataLayout, ShardMove)] = []
        for layout in layouts where layout.poolId == pool.id {
            guard let move = balance.move(for: layout, from: source, topology: topology) else { continue }
            balance.apply(move, of: layout)
            planned.append((layout, move))
        }
        if !planned.isEmpty { current.planned = true }
        var pause = Duration.zero
        for group in stride(from: 0, to: planned.count, by: parallel).map({
            planned[$0..<min($0 + parallel, planned.count)]
        }) {
            let results = try await withThrowingTaskGroup(of: (Int64, Bool).self) { tasks in
                for (layout, move) in group { tasks.addTask { try await relocate(layout, move) } }
                return try await tasks.reduce(into: [(Int64, Bool)]()) { $0.append($1) }
            }
            pause = rate.withLockedValue { $0.spend(results.reduce(0) { $0 + $1.0 }, at: .now) }
            if results.contains(where: \.1) { current.moved = true }
            if pause > .zero { break }
        }
        // The page is done once planned: what did not move is found again on a later walk.
        current.after = layouts.last?.dataId ?? current.after
        var outcome: PassOutcome = pause > .zero ? .throttled(pause) : .busy
        if layouts.count < batch {
            // The end of the source's data. One that had nothing to move is not walked again until loads change;
            // after a walk that moved shards, every source is worth walking again; one whose moves all failed is
            // walked again after a pause.
            var exhausted = current.exhausted
            if !current.planned { exhausted.insert(source) }
            if current.moved { exhausted = [] }
            if current.planned && !current.moved { outcome = .idle }
            current = Walk(poolId: pool.id, since: since, source: "", exhausted: exhausted)
        }
        walk.withLockedValue { $0 = current }
        return outcome
    }

    /// Copies one shard to its target and records the move; returns the bytes read and written, and whether the
    /// shard now lives on its target.
    func relocate(_ layout: DataLayout, _ move: ShardMove) async throws -> (Int64, Bool) {
        let (bytes, moved) = try await ShardMover(metadata: metadata, data: data, logger: logger).move(layout, [move])
        Counter(label: "ksan_rebalance_bytes_total").increment(by: Int(bytes))
        if moved > 0 { Counter(label: "ksan_rebalance_shards_total").increment() }
        return (bytes, moved > 0)
    }

    func finish(_ poolId: String, since: Date, reason: String) async throws {
        try await metadata.finishRebalance(poolId: poolId, since: since)
        logger.info("pool rebalanced", metadata: ["ksan.pool": "\(poolId)", "ksan.reason": "\(reason)"])
    }
}
