import Hummingbird
import NIOPosix

/// The request handlers of an OSD over its disks.
public struct OSDRoutes: Sendable {
    let hostId: String
    let disks: [String: DiskStore]
    let threadPool: NIOThreadPool

    /// Creates the routes over opened disks.
    public init(hostId: String, disks: [DiskStore], threadPool: NIOThreadPool = .singleton) {
        self.hostId = hostId
        self.disks = Dictionary(uniqueKeysWithValues: disks.map { ($0.id, $0) })
        self.threadPool = threadPool
    }

    /// Adds the OSD API (see ``OSDProtocol``) to a router.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/_ksan/health") { _, _ in
            "{\"host\":\"\(hostId)\",\"disks\":[\(disks.keys.sorted().map { "\"\($0)\"" }.joined(separator: ","))]}"
        }
        router.put("/v1/disks/:disk/data/:data/:stripe/:shard") { request, context in
            let (store, address) = try resolve(context)
            let body = try await request.body.collect(upTo: OSDProtocol.maxShardBytes)
            try await threadPool.runIfActive { try store.write(address, data: body) }
            return Response(status: .created)
        }
        router.get("/v1/disks/:disk/data/:data/:stripe/:shard") { _, context in
            let (store, address) = try resolve(context)
            let data = try await threadPool.runIfActive { try store.read(address) }
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
