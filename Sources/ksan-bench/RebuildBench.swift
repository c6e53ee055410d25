import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import KSANPortal
import NIOCore

/// `ksan-bench rebuild`: how fast the cluster re-creates a lost disk. Writes objects, marks one disk Bad through the
/// portal (as `ksanctl disk set-state DISK Bad` does), waits until no placement names the disk, and prints the shard
/// bytes re-created per second beside the disk's own bandwidth (1 MiB files, each fsynced) measured in the same run.
/// Then checks every object byte for byte and sets the disk Good again, so the benchmark can run again.
///
/// It changes the cluster while it runs: use a cluster of its own, with more disks than a stripe is wide (e.g.
/// `KSAN_DISKS_PER_OSD=3`) so the shards have somewhere to go, and `KSAN_REBUILD_INTERVAL=1` so the worker notices
/// the Bad disk within a second.
struct RebuildBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Benchmark the rebuild of a disk marked Bad against the disk's bandwidth.")

    @OptionGroup var cluster: ClusterOptions
    @Option(help: "Portal URL (default: $KSAN_PORTAL_URL).")
    var portalURL: String?
    @Option(help: "Portal API key (default: $KSAN_API_KEY).")
    var apiKey: String?
    @Option(help: "Objects to write before the disk is lost.")
    var objects: Int = 64
    @Option(help: "Size of each object, with K/M suffix.")
    var size: String = "64M"
    @Option(help: "Concurrent clients writing and checking the objects.")
    var clients: Int = 4
    @Option(help: "The disk to lose (default: the first disk of the bucket's pool).")
    var disk: String?
    @Option(help: "Seconds to wait for the rebuild at most.")
    var timeout: Double = 1800
    @Option(help: "Directory for the disk baseline (1 MiB files, each fsynced); use the disk the OSDs write to.")
    var diskDir: String = NSTemporaryDirectory()

    func validate() throws {
        guard objects >= 1, clients >= 1 else { throw ValidationError("--objects and --clients must be at least 1") }
        guard let bytes = DataBench.parseSize(size), bytes > 0 else { throw ValidationError("--size looks like 64M") }
    }

    func run() async throws {
        let (endpoint, signer) = try cluster.resolve()
        let env = ProcessInfo.processInfo.environment
        guard let portalURL = portalURL ?? env["KSAN_PORTAL_URL"], let apiKey = apiKey ?? env["KSAN_API_KEY"] else {
            throw ValidationError("give --portal-url/--api-key or source the cluster's env file")
        }
        let objectSize = DataBench.parseSize(size)!

        print("== The disk on this machine ==")
        let diskRate = try Baselines.measureDisk(directory: diskDir)
        print(String(format: "disk, 1 MiB + fsync   %8.0f MB/s   (%@)", diskRate, diskDir as NSString))

        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)))
        defer { _ = http.shutdown() }
        let s3 = S3BenchClient(http: http, endpoint: endpoint, signer: signer)
        let portal = PortalClient(baseURL: portalURL, apiKey: apiKey, http: http)

        let before: StatusReport = try await portal.get("/status")
        guard before.rebuild.disks.isEmpty else {
            throw ValidationError("disks \(before.rebuild.disks) are being emptied already: run on a healthy cluster")
        }
        let bucket = "ksan-bench-rebuild-\(Int(Date().timeIntervalSince1970))"
        try await s3.send("PUT", path: "/\(bucket)", expect: 200)
        let buckets: ItemList<BucketView> = try await portal.get("/buckets")
        guard let poolId = buckets.items.first(where: { $0.name == bucket })?.poolId else {
            throw ValidationError("the portal does not show bucket \(bucket)")
        }
        let pool: PoolView = try await portal.get("/pools/" + PortalClient.segment(poolId))
        let width = pool.replicas ?? ((pool.k ?? 0) + (pool.m ?? 0))
        let dataShards = pool.replicas == nil ? (pool.k ?? 1) : 1
        guard pool.disks.count > width else {
            throw ValidationError(
                "pool \(poolId) has \(pool.disks.count) disks for stripes \(width) wide: a lost disk's shards have "
                    + "nowhere to go (start the cluster with more disks, e.g. KSAN_DISKS_PER_OSD=3)")
        }
        let lost = disk ?? pool.disks.sorted()[0]
        guard pool.disks.contains(lost) else { throw ValidationError("disk \(lost) is not in pool \(poolId)") }

        var payload = ByteBufferAllocator().buffer(capacity: objectSize)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<(objectSize / 8) { payload.writeInteger(generator.next() as UInt64) }
        payload.writeRepeatingByte(7, count: objectSize - payload.readableBytes)
        let body = payload
        let digest = Data(Insecure.MD5.hash(data: body.readableBytesView))
        let keys = (0..<objects).map { "obj-\($0)" }

        print("\n== Rebuild of one disk, pool \(poolId) (\(pool.k.map { "\($0)+\(pool.m ?? 0)" } ?? "replicated")) ==")
        let written = ContinuousClock.now
        try await forEach(keys) { key in try await s3.send("PUT", path: "/\(bucket)/\(key)", body: body, expect: 200) }
        print(
            String(
                format: "written: %d objects of %@ in %.1f s", objects, DataBench.label(objectSize) as NSString,
                (ContinuousClock.now - written).seconds))

        let marked = ContinuousClock.now
        let _: DiskView = try await portal.patch(
            "/disks/" + PortalClient.segment(lost), UpdateDiskRequest(state: "Bad"))
        var backlog: RebuildProgress?
        var firstMove: ContinuousClock.Instant?
        var done: ContinuousClock.Instant?
        while done == nil {
            guard (ContinuousClock.now - marked).seconds < timeout else {
                throw ValidationError("the rebuild did not finish within \(timeout) s")
            }
            let status: StatusReport = try await portal.get("/status")
            let progress = status.rebuild
            if backlog == nil, progress.disks.contains(lost) { backlog = progress }
            if let start = backlog {
                if firstMove == nil, progress.dataRemaining < start.dataRemaining { firstMove = .now }
                if progress.dataRemaining == 0 { done = .now }
            }
            if done == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let start = backlog!
        let seconds = (done! - marked).seconds
        // Each data had one shard (of dataShards' worth of its bytes) on the lost disk: that is what was re-created.
        let shardBytes = Double(start.bytesRemaining) / Double(dataShards)
        let rate = shardBytes / seconds / 1e6
        print(
            String(
                format: "lost disk %@: %d data, %.0f MB of data, %.0f MB of shards on the disk",
                lost as NSString, start.dataRemaining, Double(start.bytesRemaining) / 1e6, shardBytes / 1e6))
        if let firstMove {
            print(String(format: "first data moved after %.2f s", (firstMove - marked).seconds))
        }
        print(
            String(
                format: "rebuilt in %.2f s: %.1f MB/s of shards re-created, %.2fx the disk's bandwidth", seconds, rate,
                rate / diskRate))

        try await forEach(keys) { key in
            let got = try await s3.digest(path: "/\(bucket)/\(key)")
            if got != digest { throw ValidationError("GET \(key) after the rebuild returned other bytes") }
        }
        print("checked: \(objects) objects byte for byte after the rebuild")

        let _: DiskView = try await portal.patch(
            "/disks/" + PortalClient.segment(lost), UpdateDiskRequest(state: "Good"))
        try await forEach(keys) { key in try await s3.send("DELETE", path: "/\(bucket)/\(key)", expect: 204) }
        try await s3.send("DELETE", path: "/\(bucket)", expect: 204)
        print("disk \(lost) set Good again; objects and bucket deleted")
    }

    /// Runs `body` for every key, `clients` at a time.
    func forEach(_ keys: [String], _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let clients = self.clients
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    for index in stride(from: worker, to: keys.count, by: clients) { try await body(keys[index]) }
                }
            }
            try await group.waitForAll()
        }
    }
}
