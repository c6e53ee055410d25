import Foundation
import Hummingbird
import KSANMetadata

/// The routes of `/api/v1`, over the metadata store. Every one but the health check and the OpenAPI document is
/// behind ``APIKeyMiddleware``; every error goes through ``PortalErrorMiddleware``.
public struct PortalRoutes: Sendable {
    let store: PostgresMetadataStore

    public init(store: PostgresMetadataStore) {
        self.store = store
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        let store = self.store
        let api = router.group("api/v1")
        api.get("health") { _, _ in try PortalJSON.response(["status": "ok"]) }
        api.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        api.get("status") { _, _ in try PortalJSON.response(try await Self.status(store)) }

        // Users and their S3 keys.
        api.get("users") { _, _ in try PortalJSON.response(ItemList(try await store.listUsers())) }
        api.post("users") { request, _ in
            let body = try await PortalJSON.body(CreateUserRequest.self, of: request)
            return try PortalJSON.response(try await store.createUser(displayName: body.name), status: .created)
        }
        api.get("users/:user") { _, context in
            try PortalJSON.response(try await Self.user(context.parameters.require("user"), store))
        }
        api.delete("users/:user") { _, context in
            let user = try await Self.user(context.parameters.require("user"), store)
            try await store.deleteUser(id: user.id)
            return Response(status: .noContent)
        }
        api.get("users/:user/keys") { _, context in
            let user = try await Self.user(context.parameters.require("user"), store)
            return try PortalJSON.response(ItemList(try await store.listAccessKeys(userId: user.id)))
        }
        api.post("users/:user/keys") { _, context in
            let user = try await Self.user(context.parameters.require("user"), store)
            let (key, secret) = try await store.createAccessKey(userId: user.id)
            return try PortalJSON.response(
                CreatedAccessKey(
                    accessKeyId: key.accessKeyId, secretKey: secret, userId: key.userId, enabled: key.enabled,
                    createdAt: key.createdAt),
                status: .created)
        }
        api.get("keys") { _, _ in try PortalJSON.response(ItemList(try await store.listAccessKeys(userId: nil))) }
        api.get("keys/:key") { _, context in
            let id = try context.parameters.require("key")
            guard let key = try await store.listAccessKeys(userId: nil, accessKeyId: id).first else {
                throw PortalError.notFound("No such access key")
            }
            return try PortalJSON.response(key)
        }
        api.patch("keys/:key") { request, context in
            let body = try await PortalJSON.body(UpdateAccessKeyRequest.self, of: request)
            return try PortalJSON.response(
                try await store.setAccessKeyEnabled(id: context.parameters.require("key"), enabled: body.enabled))
        }
        api.delete("keys/:key") { _, context in
            try await store.deleteAccessKey(id: context.parameters.require("key"))
            return Response(status: .noContent)
        }

        // The portal's own API keys.
        api.get("api-keys") { _, _ in
            try PortalJSON.response(
                ItemList(
                    try await store.listAPIKeys().map { APIKeyView(id: $0.id, name: $0.name, createdAt: $0.createdAt) })
            )
        }
        api.post("api-keys") { request, _ in
            let body = try await PortalJSON.body(CreateAPIKeyRequest.self, of: request)
            guard PostgresMetadataStore.isValidName(body.name) else {
                throw PortalError.badRequest("An API key's name is 1 to 64 characters, without control characters")
            }
            let key = APIKey.generate()
            let record = try await store.saveAPIKey(id: key.id, name: body.name, secretHash: key.secretHash)
            return try PortalJSON.response(
                CreatedAPIKey(id: key.id, name: record.name, key: key.text, createdAt: record.createdAt),
                status: .created)
        }
        api.delete("api-keys/:id") { _, context in
            try await store.deleteAPIKey(id: context.parameters.require("id"))
            return Response(status: .noContent)
        }

        // Topology: every change is checked against the whole topology, and announced on the bus.
        api.get("servers") { _, _ in try PortalJSON.response(ItemList(try await Self.servers(store))) }
        api.post("servers") { request, _ in
            let body = try await PortalJSON.body(CreateServerRequest.self, of: request)
            try await store.addServer(id: body.id, endpoint: body.endpoint)
            return try PortalJSON.response(try await Self.server(body.id, store), status: .created)
        }
        api.delete("servers/:id") { _, context in
            try await store.removeServer(id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        api.post("disks") { request, _ in
            let body = try await PortalJSON.body(CreateDiskRequest.self, of: request)
            try await store.addDisk(id: body.id, serverId: body.serverId)
            return try PortalJSON.response(try await Self.disk(body.id, store), status: .created)
        }
        api.patch("disks/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await PortalJSON.body(UpdateDiskRequest.self, of: request)
            guard body.state != nil || body.mode != nil else {
                throw PortalError.badRequest("Give a state, a mode, or both")
            }
            let state = try body.state.map { text in
                guard let state = DiskSettings.State(rawValue: text) else {
                    throw PortalError.badRequest("state must be one of Good, Weak, Bad, Disabled")
                }
                return state
            }
            let mode = try body.mode.map { text in
                guard let mode = DiskSettings.Mode(rawValue: text) else {
                    throw PortalError.badRequest("mode must be one of ReadWrite, ReadOnly, Maintenance")
                }
                return mode
            }
            try await store.updateDisk(id: id, state: state, mode: mode)
            return try PortalJSON.response(try await Self.disk(id, store))
        }
        api.delete("disks/:id") { _, context in
            try await store.removeDisk(id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        api.post("pools") { request, _ in
            let body = try await PortalJSON.body(CreatePoolRequest.self, of: request)
            try await store.createPool(try Self.pool(from: body))
            return try PortalJSON.response(try await Self.pool(body.id, store), status: .created)
        }
        api.patch("pools/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await PortalJSON.body(UpdatePoolRequest.self, of: request)
            guard body.default else {
                throw PortalError.badRequest("A pool stops being the default when another becomes it")
            }
            try await store.setDefaultPool(id: id)
            return try PortalJSON.response(try await Self.pool(id, store))
        }
        api.delete("pools/:id") { _, context in
            try await store.removePool(id: context.parameters.require("id"))
            return Response(status: .noContent)
        }
        api.get("servers/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let server = try await Self.servers(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such server")
            }
            return try PortalJSON.response(server)
        }
        api.get("disks") { _, _ in try PortalJSON.response(ItemList(try await Self.disks(store))) }
        api.get("disks/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let disk = try await Self.disks(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such disk")
            }
            return try PortalJSON.response(disk)
        }
        api.get("pools") { _, _ in try PortalJSON.response(ItemList(try await Self.pools(store))) }
        api.get("pools/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let pool = try await Self.pools(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such pool")
            }
            return try PortalJSON.response(pool)
        }

        // Buckets.
        api.get("buckets") { _, _ in
            try PortalJSON.response(ItemList(try await store.listBucketUsage().map(BucketView.init)))
        }
        api.get("buckets/:name") { _, context in
            guard let usage = try await store.bucketUsage(name: context.parameters.require("name")) else {
                throw PortalError.notFound("No such bucket")
            }
            return try PortalJSON.response(BucketView(usage))
        }
    }

    /// A user by id or by display name.
    static func user(_ reference: String, _ store: PostgresMetadataStore) async throws -> UserRecord {
        if let user = try await store.user(id: reference) { return user }
        if let user = try await store.user(named: reference) { return user }
        throw PortalError.notFound("No such user")
    }

    static func server(_ id: String, _ store: PostgresMetadataStore) async throws -> ServerView {
        guard let server = try await servers(store).first(where: { $0.id == id }) else {
            throw PortalError.notFound("No such server")
        }
        return server
    }

    static func disk(_ id: String, _ store: PostgresMetadataStore) async throws -> DiskView {
        guard let disk = try await disks(store).first(where: { $0.id == id }) else {
            throw PortalError.notFound("No such disk")
        }
        return disk
    }

    static func pool(_ id: String, _ store: PostgresMetadataStore) async throws -> PoolView {
        guard let pool = try await pools(store).first(where: { $0.id == id }) else {
            throw PortalError.notFound("No such pool")
        }
        return pool
    }

    /// The pool a creation asks for: `ec` "K+M" or `replicas` N, failure domain host.
    static func pool(from body: CreatePoolRequest) throws -> Topology.Pool {
        switch body.failureDomain ?? "host" {
        case "host": break
        case "rack":
            throw PortalError.badRequest("failureDomain rack needs servers with racks, which KSAN does not record yet")
        default: throw PortalError.badRequest("failureDomain must be host or rack")
        }
        switch (body.ec, body.replicas) {
        case (let ec?, nil):
            let parts = ec.split(separator: "+", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let m = Int(parts[1]), (1...255).contains(k),
                (1...255).contains(m)
            else {
                throw PortalError.badRequest("ec must look like 4+2 (k data and m parity shards, each 1 to 255)")
            }
            return Topology.Pool(id: body.id, k: k, m: m, replicas: nil, disks: body.disks, default: body.default)
        case (nil, let replicas?):
            guard (1...255).contains(replicas) else { throw PortalError.badRequest("replicas must be 1 to 255") }
            return Topology.Pool(id: body.id, replicas: replicas, disks: body.disks, default: body.default)
        default:
            throw PortalError.badRequest("Give either ec (\"4+2\") or replicas (3), not both and not neither")
        }
    }

    static func servers(_ store: PostgresMetadataStore) async throws -> [ServerView] {
        try await store.topology().hosts.map { ServerView(id: $0.id, endpoint: $0.endpoint, disks: $0.disks) }
    }

    static func disks(_ store: PostgresMetadataStore) async throws -> [DiskView] {
        let topology = try await store.topology()
        return topology.hosts.flatMap { host in
            host.disks.map { disk in
                DiskView(
                    id: disk, serverId: host.id, state: topology.settings(ofDisk: disk).state.rawValue,
                    mode: topology.settings(ofDisk: disk).mode.rawValue,
                    pools: topology.pools.filter { $0.disks.contains(disk) }.map(\.id))
            }
        }
    }

    static func pools(_ store: PostgresMetadataStore) async throws -> [PoolView] {
        let topology = try await store.topology()
        let defaultId = topology.defaultPool?.id
        return topology.pools.map { PoolView($0, isDefault: $0.id == defaultId) }
    }

    static func status(_ store: PostgresMetadataStore) async throws -> StatusReport {
        let topology = try await store.topology()
        let buckets = try await store.listBucketUsage()
        return StatusReport(
            servers: topology.hosts.count, disks: topology.hosts.reduce(0) { $0 + $1.disks.count },
            pools: topology.pools.count, defaultPool: topology.defaultPool?.id,
            users: try await store.listUsers().count,
            buckets: buckets.count, objects: buckets.reduce(0) { $0 + $1.objectCount },
            bytes: buckets.reduce(0) { $0 + $1.bytes }, queues: try await store.queueLengths())
    }
}
