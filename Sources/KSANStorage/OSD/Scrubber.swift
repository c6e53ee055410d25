import Foundation
import KSANCore
import Logging
import NIOPosix
import ServiceLifecycle

/// Keeps every disk of this OSD consistent with metadata. A pass, every `interval` after the last one ended, does
/// three things:
///
/// 1. **Bit rot:** reads every shard file, at most `rate` bytes per second, and verifies every block checksum, so
///    damage is found even in shards no read asks for (parity, cold data). A corrupt shard stays on disk, answering
///    `corrupt`, until the repair rewrites it.
/// 2. **Missing shards:** pages through what metadata says these disks hold (``ShardCatalog/expectedShards``) and
///    checks every file is there with its size. A disk emptied or replaced under a running OSD, or a shard lost in
///    any other way, data or parity, is found here even if no read ever needs it.
/// 3. **Orphans:** asks metadata about every data id found on disk; shards of data it knows nothing of on this disk
///    (not committed with a shard here, not being written, not queued as garbage) whose files are all older than
///    `orphanAge` are deleted (`nil`: only reported). That covers a relocated copy whose move was never recorded
///    (a worker that died between the copy and the move) as well as data nobody committed: nothing else can leak a
///    shard for good.
///
/// Damage (1, 2) is reported through the catalog once per data id per pass; the repair checks every shard.
public struct Scrubber: Service {
    /// What one pass found.
    public struct Findings: Sendable, Equatable {
        /// Data ids with a corrupt shard, by disk.
        public var corrupt: [String: [String]] = [:]
        /// Data ids with a missing (or wrongly sized) shard, by disk.
        public var missing: [String: [String]] = [:]
        /// Orphan data ids, by disk (deleted when old enough).
        public var orphans: [String: [String]] = [:]
        /// Shard files verified.
        public var verified = 0
    }

    let stores: [DiskStore]
    /// The pause from the end of a pass to the next; nil: no scrubbing (for now). Read again every second.
    let interval: @Sendable () -> Duration?
    /// Bytes per second to read, at most; read at each shard.
    let rate: @Sendable () -> Int
    let threadPool: NIOThreadPool
    let catalog: (any ShardCatalog)?
    let orphanAge: Duration?
    let logger: Logger
    /// Where the corrupt shards it finds are counted against their disk.
    let errors: DiskErrors?

    /// Creates a scrubber.
    /// - Parameters:
    ///   - rate: bytes per second to read, at most.
    ///   - catalog: metadata's view of these disks; nil: only bit rot is checked, and nothing is reported.
    ///   - orphanAge: how old the files of an orphan must be before they are deleted; nil: orphans are only logged.
    public init(
        stores: [DiskStore], interval: Duration, rate: Int, threadPool: NIOThreadPool = .singleton,
        catalog: (any ShardCatalog)?, orphanAge: Duration? = .seconds(86_400), logger: Logger
    ) {
        self.init(
            stores: stores, interval: { interval }, rate: { rate }, threadPool: threadPool, catalog: catalog,
            orphanAge: orphanAge, logger: logger)
    }

    /// Creates a scrubber whose interval and rate may change while it runs (``LiveSettings``).
    /// - Parameters:
    ///   - interval: the pause from the end of a pass to the next; nil: no scrubbing until it returns one.
    ///   - rate: bytes per second to read, at most.
    public init(
        stores: [DiskStore], interval: @escaping @Sendable () -> Duration?, rate: @escaping @Sendable () -> Int,
        threadPool: NIOThreadPool = .singleton, catalog: (any ShardCatalog)?, orphanAge: Duration? = .seconds(86_400),
        logger: Logger, errors: DiskErrors? = nil
    ) {
        self.errors = errors
        self.stores = stores
        self.interval = interval
        self.rate = { max(rate(), 1) }
        self.threadPool = threadPool
        self.catalog = catalog
        self.orphanAge = orphanAge
        self.logger = logger
    }

    /// Passes, each `interval()` after the end of the last (the first one after the start), until shutdown. The
    /// interval is read again every second, so that a change applies without waiting out the old one.
    public func run() async throws {
        var lastEnd = ContinuousClock.now
        await Periodic.loop {
            guard let interval = interval() else { return .seconds(1) }
            let due = lastEnd + interval
            guard ContinuousClock.now >= due else { return min(due - .now, .seconds(1)) }
            do {
                try await scrub()
            } catch {
                logger.warning("scrub pass failed", metadata: ["error": "\(error)"])
            }
            lastEnd = .now
            return .zero
        }
    }

    /// One pass over every disk.
    @discardableResult
    public func scrub() async throws -> Findings {
        var findings = Findings()
        for store in stores {
            guard !Task.isShuttingDownGracefully else { return findings }
            try await verify(store, into: &findings)
        }
        if let catalog {
            try await findMissing(catalog, into: &findings)
        }
        logger.info(
            "scrub pass done",
            metadata: [
                "ksan.shards": "\(findings.verified)", "ksan.corrupt": "\(findings.corrupt)",
                "ksan.missing": "\(findings.missing)", "ksan.orphans": "\(findings.orphans)",
            ])
        return findings
    }

    // MARK: Bit rot and orphans

    /// Verifies every shard of a disk, and checks its data ids with metadata in batches.
    func verify(_ store: DiskStore, into findings: inout Findings) async throws {
        let ids = try await threadPool.runIfActive { try store.dataIds() }
        var batch: [(dataId: String, newest: Date)] = []
        for dataId in ids {
            guard !Task.isShuttingDownGracefully else { return }
            let addresses = (try? await threadPool.runIfActive { try store.addresses(dataId: dataId) }) ?? []
            var newest = Date.distantPast
            for address in addresses {
                let started = ContinuousClock.now
                do {
                    let (bytes, modified) = try await threadPool.runIfActive {
                        (try store.read(address).readableBytes, try store.modificationDate(address))
                    }
                    newest = max(newest, modified)
                    findings.verified += 1
                    let due = Duration.seconds(Double(bytes) / Double(rate()))
                    let spent = ContinuousClock.now - started
                    if spent < due { try await Task.sleep(for: due - spent) }
                } catch let error as StorageError where error.code == .corrupt {
                    logger.error(
                        "scrub found a corrupt shard",
                        metadata: ["ksan.disk": "\(store.id)", "ksan.shard": "\(address)", "error": "\(error)"])
                    findings.corrupt[store.id, default: []].append(dataId)
                    errors?.record(error, disk: store.id, key: "\(address)")
                    await catalog?.reportDamaged(dataId: dataId, disk: store.id)
                    newest = .distantFuture  // damaged data is not judged an orphan in this pass
                    break  // one report per data id is enough: the repair checks every shard
                } catch let error as StorageError where error.code == .notFound {
                    continue  // deleted while the pass ran
                }
            }
            if !addresses.isEmpty { batch.append((dataId, newest)) }
            if batch.count >= 256 {
                try await checkOrphans(batch, on: store, into: &findings)
                batch.removeAll()
            }
        }
        try await checkOrphans(batch, on: store, into: &findings)
    }

    /// Deletes (or reports) the ids of `batch` that metadata does not know, if all their files are old enough.
    func checkOrphans(_ batch: [(dataId: String, newest: Date)], on store: DiskStore, into findings: inout Findings)
        async throws
    {
        guard let catalog, !batch.isEmpty else { return }
        let unknown = Set(try await catalog.unknownDataIds(batch.map(\.dataId), onDisk: store.id))
        for (dataId, newest) in batch where unknown.contains(dataId) {
            findings.orphans[store.id, default: []].append(dataId)
            guard let orphanAge else {
                logger.notice("orphan shards found", metadata: ["ksan.disk": "\(store.id)", "ksan.data": "\(dataId)"])
                continue
            }
            guard Date().timeIntervalSince(newest) >= Double(orphanAge.components.seconds) else { continue }
            do {
                try await threadPool.runIfActive { try store.delete(dataId: dataId) }
                logger.notice(
                    "deleted orphan shards: metadata knows nothing of their data on this disk",
                    metadata: ["ksan.disk": "\(store.id)", "ksan.data": "\(dataId)"])
            } catch {
                logger.warning(
                    "could not delete orphan shards", metadata: ["ksan.data": "\(dataId)", "error": "\(error)"])
            }
        }
    }

    // MARK: Missing shards

    /// Checks that every shard metadata expects on these disks is there, with its size.
    func findMissing(_ catalog: any ShardCatalog, into findings: inout Findings) async throws {
        let byId = Dictionary(stores.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var after: String?
        while !Task.isShuttingDownGracefully {
            let page = try await catalog.expectedShards(disks: stores.map(\.id), after: after, limit: 256)
            guard let last = page.last else { return }
            after = last.dataId
            for data in page {
                var reported = Set<String>()
                for shard in data.shards {
                    guard let store = byId[shard.disk], !reported.contains(shard.disk) else { continue }
                    let size = try await threadPool.runIfActive { store.fileSize(shard.address) }
                    guard size != ShardFileFormat.fileSize(dataLength: shard.length) else { continue }
                    reported.insert(shard.disk)
                    logger.error(
                        "scrub found a missing shard",
                        metadata: [
                            "ksan.disk": "\(shard.disk)", "ksan.shard": "\(shard.address)",
                            "ksan.size": "\(size.map(String.init) ?? "absent")",
                        ])
                    findings.missing[shard.disk, default: []].append(data.dataId)
                    await catalog.reportDamaged(dataId: data.dataId, disk: shard.disk)
                }
            }
        }
    }
}
