import KSANData
import KSANMetadata
import Logging

/// Restores full redundancy of committed data: takes queued repairs (stripes written with only their quorum, shards
/// found missing or corrupt on read or by scrub) and rewrites the missing shards from the intact ones. What cannot be
/// repaired yet (a host that does not answer) stays queued for a later pass.
public struct Repair: Worker {
    let metadata: any MetadataStore
    let data: DataPlane
    let dropAfter: Double
    let batch: Int
    let lease: Double
    let logger: Logger

    public var name: String { "repair" }

    /// A repairer taking `batch` items a pass, each for `lease` seconds (as ``GarbageCollection``'s); a queued repair
    /// of data that was never committed (nor is being written) is dropped after `dropAfter` seconds.
    public init(
        metadata: any MetadataStore, data: DataPlane, dropAfter: Double, batch: Int = 32, lease: Double = 3600,
        logger: Logger
    ) {
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
        var done: [RepairItem] = []
        for item in items where await data.repair(item.layout) {
            done.append(item)
        }
        if !done.isEmpty { try await metadata.ackRepairs(done) }
        let repaired = Set(done.map(\.layout.dataId))
        let failed = items.filter { !repaired.contains($0.layout.dataId) }
        if !failed.isEmpty { try await metadata.releaseRepairs(failed) }
        logger.debug("repair pass", metadata: ["ksan.repaired": "\(done.count)", "ksan.queued": "\(items.count)"])
        return items.count == batch && done.count == items.count ? .busy : .idle
    }
}
