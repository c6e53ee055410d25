import KSANCore
import KSANMetadata
import Logging
import ServiceLifecycle

/// Deletes the shards of unreferenced data: overwritten, deleted or aborted data queued by metadata (once it has been
/// queued for `grace` seconds), and write intents abandoned by writers that died (not marked alive for `intentAge`
/// seconds). Runs every `interval` seconds until graceful shutdown.
public struct GarbageCollector: Service {
    let metadata: any MetadataStore
    let data: DataPlane
    let interval: Double
    let intentAge: Double
    /// Seconds garbage stays queued before its shards are deleted, so reads that started on an overwritten or
    /// deleted version finish on it.
    let grace: Double
    let logger: Logger

    /// Creates a collector.
    public init(
        metadata: any MetadataStore, data: DataPlane, interval: Double, intentAge: Double, grace: Double,
        logger: Logger
    ) {
        self.metadata = metadata
        self.data = data
        self.interval = interval
        self.intentAge = intentAge
        self.grace = grace
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: .milliseconds(Int64(interval * 1000)), name: "garbage collection", logger: logger) {
            try await collect()
        }
    }

    /// One pass: deletes what it can and acknowledges it; what fails stays queued for the next pass.
    public func collect() async throws {
        let items = try await metadata.garbage(limit: 256, intentAge: intentAge, grace: grace)
        guard !items.isEmpty else { return }
        var done: [Int64] = []
        for item in items where await data.delete(item.layout) {
            done.append(item.id)
        }
        if !done.isEmpty { try await metadata.ackGarbage(ids: done) }
        logger.debug("garbage collected", metadata: ["ksan.items": "\(done.count)", "ksan.queued": "\(items.count)"])
    }
}
