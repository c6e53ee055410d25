import KSANCore
import KSANMetadata
import Logging
import ServiceLifecycle

/// Restores full redundancy of committed data: takes queued repairs (stripes written with only their quorum,
/// shards found missing or corrupt on read) and rewrites the missing shards from the intact ones. Runs every
/// `interval` seconds until graceful shutdown; what cannot be repaired yet (a host that does not answer) stays
/// queued for the next pass.
public struct Repairer: Service {
    let metadata: any MetadataStore
    let data: DataPlane
    let interval: Double
    /// Seconds after which a queued repair of data that was never committed (nor is being written) is dropped.
    let dropAfter: Double
    let logger: Logger

    /// Creates a repairer.
    public init(metadata: any MetadataStore, data: DataPlane, interval: Double, dropAfter: Double, logger: Logger) {
        self.metadata = metadata
        self.data = data
        self.interval = interval
        self.dropAfter = dropAfter
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: .milliseconds(Int64(interval * 1000)), name: "repair", logger: logger) {
            try await repairQueued()
        }
    }

    /// One pass: repairs what it can and acknowledges it. The acknowledgement names the report each repair read,
    /// so damage reported while the repair ran stays queued for the next pass.
    public func repairQueued() async throws {
        let items = try await metadata.repairs(limit: 32, dropAfter: dropAfter)
        guard !items.isEmpty else { return }
        var done: [RepairItem] = []
        for item in items where await data.repair(item.layout) {
            done.append(item)
        }
        if !done.isEmpty { try await metadata.ackRepairs(done) }
        logger.debug("repair pass", metadata: ["ksan.repaired": "\(done.count)", "ksan.queued": "\(items.count)"])
    }
}
