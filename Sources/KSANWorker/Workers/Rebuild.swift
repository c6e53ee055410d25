import Foundation
import KSANData
import KSANMetadata
import Logging
import Metrics
import NIOConcurrencyHelpers

/// Empties the disks that must be emptied (``ShardRelocation/disksToEmpty(in:now:offlineFor:)``: Bad and Disabled
/// disks, and the disks of hosts Offline for `rebuildAfter` seconds): page by page through the data placed on them,
/// re-creates each of their shards on another disk (``ShardRelocation``, ``DataPlane/relocate(_:moves:)``), then
/// moves it in placement atomically (``MetadataStore/moveShards(dataId:moves:)``), which queues the copy left behind
/// as garbage. Reads use the new disk at once.
///
/// Resumable: what is moved is recorded as it goes, so a worker that dies leaves at most the shards of the data in
/// hand written to their target, which the next pass (of any worker) chooses again and overwrites. Several workers
/// may run it: a move that lost the race to another changes nothing, and the loser's copy is deleted. Throttled by
/// `bytesPerSecond()` (read at each pass; 0: no limit), the live setting `rebuild-rate`.
public struct Rebuild: Worker {
    let metadata: any MetadataStore
    let data: DataPlane
    let rebuildAfter: Double
    let batch: Int
    /// Data relocated at once.
    let parallel: Int
    let logger: Logger
    let bytesPerSecond: @Sendable () -> Int64
    let rate: NIOLockedValueBox<ByteRate>
    /// Where the walk through the placement of the disks being emptied stands (nil: at the start).
    let cursor = NIOLockedValueBox<String?>(nil)

    public var name: String { "rebuild" }

    public init(
        metadata: any MetadataStore, data: DataPlane, rebuildAfter: Double, batch: Int = 32, parallel: Int = 4,
        bytesPerSecond: @escaping @Sendable () -> Int64 = { 0 }, logger: Logger
    ) {
        self.metadata = metadata
        self.data = data
        self.rebuildAfter = rebuildAfter
        self.batch = batch
        self.parallel = max(1, parallel)
        self.bytesPerSecond = bytesPerSecond
        self.rate = NIOLockedValueBox(ByteRate(bytesPerSecond: bytesPerSecond()))
        self.logger = logger
    }

    /// Busy while there is data on the disks to empty; idle once a walk found none left (or only data with nowhere to
    /// go, retried after the idle interval); throttled at the rate limit.
    public func pass() async throws -> PassOutcome {
        let topology = try await metadata.topology()
        let emptying = ShardRelocation.disksToEmpty(in: topology, now: Date(), offlineFor: rebuildAfter)
        Gauge(label: "ksan_rebuild_disks").record(emptying.count)
        guard !emptying.isEmpty else {
            cursor.withLockedValue { $0 = nil }
            return .idle
        }
        let limit = bytesPerSecond()
        rate.withLockedValue { if $0.bytesPerSecond != limit { $0.set(bytesPerSecond: limit) } }
        let after = cursor.withLockedValue { $0 }
        let layouts = try await metadata.placements(diskIds: emptying.sorted(), after: after, limit: batch)
        var pause = Duration.zero
        var done = 0
        // `parallel` data at a time: each relocation is a pipeline of stripe reads, decode and writes, so several
        // at once keep every disk busy. The cursor advances past a group once all of it is done.
        for group in stride(from: 0, to: layouts.count, by: parallel).map({
            layouts[$0..<min($0 + parallel, layouts.count)]
        }) {
            let bytes = try await withThrowingTaskGroup(of: Int64.self) { tasks in
                for layout in group {
                    tasks.addTask { try await relocate(layout, topology: topology, emptying: emptying) }
                }
                return try await tasks.reduce(0, +)
            }
            pause = rate.withLockedValue { $0.spend(bytes, at: .now) }
            done += group.count
            cursor.withLockedValue { $0 = group.last!.dataId }
            if pause > .zero { break }
        }
        // A short page ends the walk: the next starts again from the first data id (what could not move is tried
        // again then).
        if layouts.count < batch && done == layouts.count { cursor.withLockedValue { $0 = nil } }
        if pause > .zero { return .throttled(pause) }
        return layouts.count == batch ? .busy : .idle
    }

    /// Relocates the shards of one data that sit on disks being emptied; returns the bytes read and written.
    func relocate(_ layout: DataLayout, topology: Topology, emptying: Set<String>) async throws -> Int64 {
        let moves = ShardRelocation.moves(for: layout, emptying: emptying, topology: topology)
        guard !moves.isEmpty else {
            Counter(label: "ksan_rebuild_stuck_total").increment()
            logger.warning(
                "shards cannot leave their disk: no healthy disk keeps the failure-domain rule",
                metadata: ["ksan.data": "\(layout.dataId)"])
            return 0
        }
        let (bytes, moved) = try await ShardMover(metadata: metadata, data: data, logger: logger).move(layout, moves)
        Counter(label: "ksan_rebuild_bytes_total").increment(by: Int(bytes))
        if moved > 0 { Counter(label: "ksan_rebuild_shards_total").increment(by: moved) }
        return bytes
    }
}
