import KSANCore
import Logging
import NIOPosix
import ServiceLifecycle

/// Reads every shard of every disk of this OSD, at most `rate` bytes per second, and verifies every block
/// checksum, so bit rot is found even in shards no read asks for (parity, cold data). A corrupt shard is reported
/// through `report` (the OSD command queues its data for repair in metadata), once per data id per pass; it stays
/// on disk, answering `corrupt`, until the repair rewrites it. A pass starts every `interval` after the last one
/// ended.
public struct Scrubber: Service {
    let stores: [DiskStore]
    let interval: Duration
    let rate: Int
    let threadPool: NIOThreadPool
    let report: @Sendable (_ dataId: String, _ disk: String) async -> Void
    let logger: Logger

    /// Creates a scrubber.
    /// - Parameters:
    ///   - rate: bytes per second to read, at most.
    ///   - report: called for each data id with a corrupt shard.
    public init(
        stores: [DiskStore], interval: Duration, rate: Int, threadPool: NIOThreadPool = .singleton,
        logger: Logger, report: @escaping @Sendable (_ dataId: String, _ disk: String) async -> Void
    ) {
        self.stores = stores
        self.interval = interval
        self.rate = max(rate, 1)
        self.threadPool = threadPool
        self.report = report
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, pauseFirst: true, name: "scrub", logger: logger) {
            try await scrub()
        }
    }

    /// One pass over every disk.
    /// - Returns: the data ids with a corrupt shard, by disk.
    @discardableResult
    public func scrub() async throws -> [String: [String]] {
        var corrupt: [String: [String]] = [:]
        var verified = 0
        for store in stores {
            let ids = try await threadPool.runIfActive { try store.dataIds() }
            for dataId in ids {
                guard !Task.isShuttingDownGracefully else { return corrupt }
                let addresses = (try? await threadPool.runIfActive { try store.addresses(dataId: dataId) }) ?? []
                for address in addresses {
                    let started = ContinuousClock.now
                    do {
                        let bytes = try await threadPool.runIfActive { try store.read(address).readableBytes }
                        verified += 1
                        let due = Duration.seconds(Double(bytes) / Double(rate))
                        let spent = ContinuousClock.now - started
                        if spent < due { try await Task.sleep(for: due - spent) }
                    } catch let error as StorageError where error.code == .corrupt {
                        logger.error(
                            "scrub found a corrupt shard",
                            metadata: ["ksan.disk": "\(store.id)", "ksan.shard": "\(address)", "error": "\(error)"])
                        corrupt[store.id, default: []].append(dataId)
                        await report(dataId, store.id)
                        break  // one report per data id is enough: the repair checks every shard
                    } catch let error as StorageError where error.code == .notFound {
                        continue  // deleted while the pass ran
                    }
                }
            }
        }
        logger.info("scrub pass done", metadata: ["ksan.shards": "\(verified)", "ksan.corrupt": "\(corrupt)"])
        return corrupt
    }
}
