import KSANData
import KSANMetadata
import Logging

/// Deletes the shards of unreferenced data: overwritten, deleted or aborted data queued by metadata (once it has been
/// queued for `grace` seconds, so that reads that started on it finish), and write intents abandoned by writers that
/// died (not marked alive for `intentAge` seconds).
public struct GarbageCollection: Worker {
    let metadata: any MetadataStore
    let data: DataPlane
    let intentAge: Double
    let grace: Double
    let batch: Int
    let lease: Double
    let logger: Logger

    public var name: String { "garbage-collection" }

    /// A collector taking `batch` items a pass, each for `lease` seconds (others skip them meanwhile: several
    /// workers share the queue, and a worker that dies leaves its items to the others once the lease ends).
    public init(
        metadata: any MetadataStore, data: DataPlane, intentAge: Double, grace: Double, batch: Int = 256,
        lease: Double = 600, logger: Logger
    ) {
        self.metadata = metadata
        self.data = data
        self.intentAge = intentAge
        self.grace = grace
        self.batch = batch
        self.lease = lease
        self.logger = logger
    }

    /// Deletes what it can and acknowledges it; what fails is released for a later pass. Busy when it collected a
    /// full batch.
    public func pass() async throws -> PassOutcome {
        let items = try await metadata.garbage(limit: batch, intentAge: intentAge, grace: grace, lease: lease)
        guard !items.isEmpty else { return .idle }
        var done: [Int64] = []
        for item in items where await data.delete(item.layout) {
            done.append(item.id)
        }
        if !done.isEmpty { try await metadata.ackGarbage(ids: done) }
        let collected = Set(done)
        let failed = items.map(\.id).filter { !collected.contains($0) }
        if !failed.isEmpty { try await metadata.releaseGarbage(ids: failed) }
        logger.debug("garbage collected", metadata: ["ksan.items": "\(done.count)", "ksan.queued": "\(items.count)"])
        return items.count == batch && done.count == items.count ? .busy : .idle
    }
}
