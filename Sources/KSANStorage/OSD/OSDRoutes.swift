import Foundation
import Hummingbird
import KSANCore
import NIOPosix

/// The request handlers of an OSD over its disks.
public struct OSDRoutes: Sendable {
    let hostId: String
    let disks: [String: DiskStore]
    let threadPool: NIOThreadPool
    /// Where the disks' failures are counted.
    let errors: DiskErrors?

    /// Creates the routes over opened disks, counting their failures in `errors`.
    public init(
        hostId: String, disks: [DiskStore], threadPool: NIOThreadPool = .singleton, errors: DiskErrors? = nil
    ) {
        self.hostId = hostId
        self.disks = Dictionary(uniqueKeysWithValues: disks.map { ($0.id, $0) })
        self.threadPool = threadPool
        self.errors = errors
    }

    /// Adds the OSD API (see ``OSDProtocol``) to a router.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/_ksan/health") { _, _ in
            // Every disk must take a write: an emptied or replaced disk gets its directories back, and one that
            // cannot be written makes the OSD unhealthy (503) with the failing disks named.
            var failing: [String: String] = [:]
            for (id, store) in disks {
                do {
                    try await threadPool.runIfActive { try store.probe() }
                } catch {
                    failing[id] = "\(error)"
                    errors?.recordProbe(error, disk: id)
                }
            }
            let names = disks.keys.sorted().map { "\"\($0)\"" }.joined(separator: ",")
            let failed = failing.keys.sorted().map { id in
                "{\"disk\":\"\(id)\",\"error\":\(Self.jsonString(failing[id] ?? ""))}"
            }
            let body = "{\"host\":\"\(hostId)\",\"disks\":[\(names)],\"failing\":[\(failed.joined(separator: ","))]}"
            return Response(
                status: failing.isEmpty ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/metrics") { _, _ in
            OSDMetrics.updateSpace(of: Array(disks.values))
            return MetricsExporter.response()
        }
        router.put("/v1/disks/:disk/data/:data/:stripe/:shard") { request, context in
            let (store, address) = try resolve(context)
            let body = try await request.body.collect(upTo: OSDProtocol.maxShardBytes)
            let started = ContinuousClock.now
            try await counted(store, address) { try store.write(address, data: body) }
            OSDMetrics.wrote(body.readableBytes, disk: store.id, in: ContinuousClock.now - started)
            return Response(status: .created)
        }
        router.get("/v1/disks/:disk/data/:data/:stripe/:shard") { _, context in
            let (store, address) = try resolve(context)
            let started = ContinuousClock.now
            let data = try await counted(store, address) { try store.read(address) }
            OSDMetrics.read(data.readableBytes, disk: store.id, in: ContinuousClock.now - started)
            return Response(status: .ok, body: .init(byteBuffer: data))
        }
        router.delete("/v1/disks/:disk/data/:data") { _, context in
            let store = try disk(context)
            let dataId = try context.parameters.require("data")
            try await threadPool.runIfActive { try store.delete(dataId: dataId) }
            return Response(status: .noContent)
        }
        router.get("/v1/disks/:disk/data/:data") { _, context in
            let store = try disk(context)
            let dataId = try context.parameters.require("data")
            let names = try await threadPool.runIfActive { try store.list(dataId: dataId) }
            return names.map { $0 + "\n" }.joined()
        }
    }

    /// Runs a shard operation on the thread pool, counting a failure of the disk against it.
    func counted<T: Sendable>(
        _ store: DiskStore, _ address: ShardAddress, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        do {
            return try await threadPool.runIfActive(body)
        } catch {
            errors?.record(error, disk: store.id, key: "\(address)")
            throw error
        }
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func disk(_ context: some RequestContext) throws -> DiskStore {
        let id = try context.parameters.require("disk")
        guard let store = disks[id] else { throw StorageError(.noSuchDisk, "disk \(id) is not served here") }
        return store
    }

    func resolve(_ context: some RequestContext) throws -> (DiskStore, ShardAddress) {
        let store = try disk(context)
        guard let stripe = Int(try context.parameters.require("stripe")),
            let shard = Int(try context.parameters.require("shard"))
        else { throw StorageError(.invalidAddress, "invalid shard address") }
        return (store, try ShardAddress(dataId: try context.parameters.require("data"), stripe: stripe, shard: shard))
    }
}
