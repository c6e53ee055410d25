import KSANData
import KSANMetadata
import Logging
import Metrics
import NIOConcurrencyHelpers

/// Restores full redundancy of committed data: takes queued repairs (stripes written with only their quorum, shards
/// found missing or corrupt on read or by scrub) and rewrites the missing shards from the intact ones. What cannot be
/// repaired yet (a host that does not answer) stays queued for a later pass. A repair that fails on data with shards
/// on full disks (``DiskSettings/full``), which refuse the rewrite, moves those shards to disks with room
/// (``ShardRelocation``), and the next pass repairs what is still missing.
public struct Repair: Worker {
    let metadata: any MetadataStore
    let data: DataPlane
    let dropAfter: Double
    let batch: Int
    let lease: Double
    let logger: Logger
    /// The limit of shard bytes read and written per second, read at each pass (a live setting).
    let bytesPerSecond: @Sendable () -> Int64
    /// The rate's bucket, kept across passes.
    let rate: NIOLockedValueBox<ByteRate>

    public var name: String { "repair" }

    /// A repairer taking `batch` items a pass, each for `lease` seconds (as ``GarbageCollection``'s), reading and
    /// writing at most `bytesPerSecond()` of shards (read at each pass; 0: no limit); a queued repair of data that was
    /// never committed (nor is being written) is dropped after `dropAfter` seconds.
    ///
    /// ``forgetAfter`` is the worker's `dropAfter`: data with neither placement nor a write intent was deleted or
    /// abandoned (a write registers its intent before it queues a repair, and its commit swaps the intent for the
    /// placement in one transaction), so its entry is moot; the minute only covers clocks and slow transactions.
    public static let forgetAfter: Double = 60

    public init(
        metadata: any MetadataStore, data: DataPlane, dropAfter: Double, batch: Int = 32, lease: Double = 600,
        bytesPerSecond: @escaping @Sendable () -> Int64 = { 0 }, logger: Logger
    ) {
        self.bytesPerSecond = bytesPerSecond
        self.rate = NIOLockedValueBox(ByteRate(bytesPerSecond: bytesPerSecond()))
        self.metadata = metadata
        self.data = data
        self.dropAfter = dropAfter
        self.batch = batch
        self.lease = lease
        self.logger = logger
    }

    /// Repairs what it can and acknowledges it; what fails is released for a later pass. The acknowledgement names
    /// the report each repair read, so damage reported while the repair ran stays queued. Busy when it repaired a
    /// full batch.
    public func pass() async throws -> PassOutcome {
        let items = try await metadata.repairs(limit: batch, dropAfter: dropAfter, lease: lease)
        guard !items.isEmpty else { return .idle }
        let limit = bytesPerSecond()
        rate.withLockedValue { if $0.bytesPerSecond != limit { $0.set(bytesPerSecond: limit) } }
        var done: [RepairItem] = []
        var pause = Duration.zero
        var topology: Topology?
        for item in items {
            let outcome = await data.repair(item.layout)
            var bytes = outcome.bytes
            if outcome.repaired {
                done.append(item)
            } else {
                if topology == nil { topology = try await metadata.topology() }
                bytes += try await moveOffFullDisks(item.layout, topology: topology!)
            }
            pause = rate.withLockedValue { $0.spend(bytes, at: .now) }
            if pause > .zero { break }  // at the rate limit: the rest waits for the next pass
        }
        if !done.isEmpty { try await metadata.ackRepairs(done) }
        let repaired = Set(done.map(\.layout.dataId))
        let failed = items.filter { !repaired.contains($0.layout.dataId) }
        if !failed.isEmpty { try await metadata.releaseRepairs(failed) }
        logger.debug("repair pass", metadata: ["ksan.repaired": "\(done.count)", "ksan.queued": "\(items.count)"])
        if pause > .zero { return .throttled(pause) }
        return items.count == batch && done.count == items.count ? .busy : .idle
    }

    /// Moves the shards of `layout` that sit on full disks to disks with room; returns the bytes read and written.
    /// The item stays queued: the next pass reads the moved placement and rewrites whatever is still missing.
    func moveOffFullDisks(_ layout: DataLayout, topology: Topology) async throws -> Int64 {
        let full = Set(layout.diskIds.filter { topology.settings(ofDisk: $0).full })
        guard !full.isEmpty else { return 0 }
        let moves = ShardRelocation.moves(for: layout, emptying: full, topology: topology)
        guard !moves.isEmpty else { return 0 }
        let (bytes, moved) = try await ShardMover(metadata: metadata, data: data, logger: logger).move(layout, moves)
        if moved > 0 {
            Counter(label: "ksan_repair_moved_shards_total").increment(by: moved)
            logger.info(
                "shards moved off full disks for repair",
                metadata: ["ksan.data": "\(layout.dataId)", "ksan.disks": "\(moves.map(\.from))"])
        }
        return bytes
    }
}
