import Foundation
import Hummingbird
import KSANBus
import KSANCore
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
            try PortalJSON.response(try await Self.user(Self.parameter("user", context), store))
        }
        api.delete("users/:user") { _, context in
            let user = try await Self.user(Self.parameter("user", context), store)
            try await store.deleteUser(id: user.id)
            return Response(status: .noContent)
        }
        api.get("users/:user/keys") { _, context in
            let user = try await Self.user(Self.parameter("user", context), store)
            return try PortalJSON.response(ItemList(try await store.listAccessKeys(userId: user.id)))
        }
        api.post("users/:user/keys") { _, context in
            let user = try await Self.user(Self.parameter("user", context), store)
            let (key, secret) = try await store.createAccessKey(userId: user.id)
            return try PortalJSON.response(
                CreatedAccessKey(
                    accessKeyId: key.accessKeyId, secretKey: secret, userId: key.userId, enabled: key.enabled,
                    createdAt: key.createdAt),
                status: .created)
        }
        api.post("users/:user/tokens") { request, context in
            let user = try await Self.user(Self.parameter("user", context), store)
            let body = try await PortalJSON.body(CreateUserTokenRequest.self, of: request)
            let ttl = body.ttlSeconds ?? 86_400
            guard (60...2_592_000).contains(ttl) else {
                throw PortalError.badRequest("ttlSeconds must be 60 to 2592000 (30 days)")
            }
            let token = UserToken.generate()
            let expiresAt = Date(timeIntervalSinceNow: Double(ttl))
            try await store.saveUserToken(hash: token.hash, userId: user.id, expiresAt: expiresAt)
            return try PortalJSON.response(
                CreatedUserToken(token: token.text, userId: user.id, expiresAt: expiresAt), status: .created)
        }
        api.get("keys") { _, _ in try PortalJSON.response(ItemList(try await store.listAccessKeys(userId: nil))) }
        api.get("keys/:key") { _, context in
            let id = try Self.parameter("key", context)
            guard let key = try await store.listAccessKeys(userId: nil, accessKeyId: id).first else {
                throw PortalError.notFound("No such access key")
            }
            return try PortalJSON.response(key)
        }
        api.patch("keys/:key") { request, context in
            let body = try await PortalJSON.body(UpdateAccessKeyRequest.self, of: request)
            return try PortalJSON.response(
                try await store.setAccessKeyEnabled(id: Self.parameter("key", context), enabled: body.enabled))
        }
        api.delete("keys/:key") { _, context in
            try await store.deleteAccessKey(id: Self.parameter("key", context))
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
            try await store.deleteAPIKey(id: Self.parameter("id", context))
            return Response(status: .noContent)
        }

        // Topology: every change is checked against the whole topology, and announced on the bus.
        api.get("servers") { _, _ in try PortalJSON.response(ItemList(try await Self.servers(store))) }
        api.post("servers") { request, _ in
            let body = try await PortalJSON.body(CreateServerRequest.self, of: request)
            try await store.addServer(id: body.id, endpoint: body.endpoint, rack: body.rack)
            return try PortalJSON.response(try await Self.server(body.id, store), status: .created)
        }
        api.patch("servers/:id") { request, context in
            let id = try Self.parameter("id", context)
            let body = try await PortalJSON.body(UpdateServerRequest.self, of: request)
            guard body.rack != nil || body.state != nil else {
                throw PortalError.badRequest("Give a rack, a state, or both")
            }
            let state = try body.state.map { text in
                guard let state = HostState(rawValue: text) else {
                    throw PortalError.badRequest("state must be Online or Offline")
                }
                return state
            }
            if let rack = body.rack { try await store.setServerRack(id: id, rack: rack.isEmpty ? nil : rack) }
            if let state { try await store.setServerState(id: id, state: state) }
            return try PortalJSON.response(try await Self.server(id, store))
        }
        api.delete("servers/:id") { _, context in
            try await store.removeServer(id: Self.parameter("id", context))
            return Response(status: .noContent)
        }
        api.post("disks") { request, _ in
            let body = try await PortalJSON.body(CreateDiskRequest.self, of: request)
            try await store.addDisk(id: body.id, serverId: body.serverId)
            return try PortalJSON.response(try await Self.disk(body.id, store), status: .created)
        }
        api.patch("disks/:id") { request, context in
            let id = try Self.parameter("id", context)
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
            try await store.removeDisk(id: Self.parameter("id", context))
            return Response(status: .noContent)
        }
        api.post("pools") { request, _ in
            let body = try await PortalJSON.body(CreatePoolRequest.self, of: request)
            try await store.createPool(try Self.pool(from: body))
            return try PortalJSON.response(try await Self.pool(body.id, store), status: .created)
        }
        api.patch("pools/:id") { request, context in
            let id = try Self.parameter("id", context)
            let body = try await PortalJSON.body(UpdatePoolRequest.self, of: request)
            guard body.default != nil || body.disks != nil else { throw PortalError.badRequest("Nothing to change") }
            if body.default == false {
                throw PortalError.badRequest("A pool stops being the default when another becomes it")
            }
            if let disks = body.disks {
                guard (1...255).contains(disks.count) else { throw PortalError.badRequest("A pool has 1 to 255 disks") }
                try await store.setPoolDisks(id: id, disks: disks)
            }
            if body.default == true { try await store.setDefaultPool(id: id) }
            return try PortalJSON.response(try await Self.pool(id, store))
        }
        api.post("pools/:id/rebalance") { _, context in
            let id = try Self.parameter("id", context)
            try await store.setRebalance(poolId: id, on: true)
            return try PortalJSON.response(try await Self.pool(id, store), status: .accepted)
        }
        api.delete("pools/:id/rebalance") { _, context in
            let id = try Self.parameter("id", context)
            try await store.setRebalance(poolId: id, on: false)
            return Response(status: .noContent)
        }
        api.delete("pools/:id") { _, context in
            try await store.removePool(id: Self.parameter("id", context))
            return Response(status: .noContent)
        }
        api.get("servers/:id") { _, context in
            let id = try Self.parameter("id", context)
            guard let server = try await Self.servers(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such server")
            }
            return try PortalJSON.response(server)
        }
        api.get("disks") { _, _ in try PortalJSON.response(ItemList(try await Self.disks(store))) }
        api.get("disks/:id") { _, context in
            let id = try Self.parameter("id", context)
            guard let disk = try await Self.disks(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such disk")
            }
            return try PortalJSON.response(disk)
        }
        api.get("pools") { _, _ in try PortalJSON.response(ItemList(try await Self.pools(store))) }
        api.get("pools/:id") { _, context in
            let id = try Self.parameter("id", context)
            guard let pool = try await Self.pools(store).first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such pool")
            }
            return try PortalJSON.response(pool)
        }

        // Services, from their heartbeats.
        api.get("services") { _, _ in
            let now = Date()
            return try PortalJSON.response(
                ItemList(try await store.listServices().map { ServiceView($0, now: now) }))
        }
        api.get("services/:id") { _, context in
            let id = try Self.parameter("id", context)
            guard let service = try await store.listServices().first(where: { $0.id == id }) else {
                throw PortalError.notFound("No such service")
            }
            return try PortalJSON.response(ServiceView(service, now: Date()))
        }
        api.delete("services/:id") { _, context in
            let id = try Self.parameter("id", context)
            if let service = try await store.listServices().first(where: { $0.id == id }),
                service.state(at: Date()) == .online
            {
                throw PortalError.conflict("The service is Online: stop it first (it registers again while it runs)")
            }
            try await store.deleteService(id: id)
            return Response(status: .noContent)
        }

        // Storage classes: x-amz-storage-class names a pool (STANDARD is each bucket's own).
        api.get("storage-classes") { _, _ in
            try PortalJSON.response(ItemList(try await Self.storageClasses(store)))
        }
        api.get("storage-classes/:class") { _, context in
            let name = try Self.parameter("class", context)
            guard let view = try await Self.storageClasses(store).first(where: { $0.name == name }) else {
                throw PortalError.notFound("No such storage class")
            }
            return try PortalJSON.response(view)
        }
        api.put("storage-classes/:class") { request, context in
            let name = try Self.parameter("class", context)
            let body = try await PortalJSON.body(SetStorageClassRequest.self, of: request)
            try await store.setStorageClass(name: name, poolId: body.pool)
            return try PortalJSON.response(StorageClassView(name: name, poolId: body.pool))
        }
        api.delete("storage-classes/:class") { _, context in
            try await store.removeStorageClass(name: Self.parameter("class", context))
            return Response(status: .noContent)
        }

        // Live settings of each kind of service, versioned; every change is pushed over the bus.
        api.get("config/:kind") { _, context in
            let kind = try Self.kind(context)
            return try PortalJSON.response(
                Self.settingsView(try await store.serviceSettings(kind: kind), kind: kind))
        }
        api.put("config/:kind") { request, context in
            let kind = try Self.kind(context)
            let body = try await PortalJSON.body(SetSettingsRequest.self, of: request)
            if let comment = body.comment, !PostgresMetadataStore.isValidName(comment) {
                throw PortalError.badRequest("A comment is 1 to 64 characters, without control characters")
            }
            let saved = try await store.saveSettings(kind: kind, settings: body.settings, comment: body.comment)
            return try PortalJSON.response(Self.settingsView(saved, kind: kind))
        }
        api.get("config/:kind/history") { _, context in
            let kind = try Self.kind(context)
            return try PortalJSON.response(
                ItemList(try await store.settingsHistory(kind: kind).map { Self.settingsView($0, kind: kind) }))
        }
        api.post("config/:kind/rollback") { request, context in
            let kind = try Self.kind(context)
            let body = try await PortalJSON.body(RollbackSettingsRequest.self, of: request)
            return try PortalJSON.response(
                Self.settingsView(try await store.rollbackSettings(kind: kind, to: body.version), kind: kind))
        }

        // Zones: other clusters, for replication.
        api.get("zones") { _, _ in try PortalJSON.response(ItemList(try await store.listZones())) }
        api.post("zones") { request, _ in
            let body = try await PortalJSON.body(CreateZoneRequest.self, of: request)
            return try PortalJSON.response(
                try await store.createZone(name: body.name, endpoint: body.endpoint), status: .created)
        }
        api.get("zones/:name") { _, context in
            guard let zone = try await store.zone(named: Self.parameter("name", context)) else {
                throw PortalError.notFound("No such zone")
            }
            return try PortalJSON.response(zone)
        }
        api.delete("zones/:name") { _, context in
            try await store.deleteZone(name: Self.parameter("name", context))
            return Response(status: .noContent)
        }

        // Buckets.
        api.get("buckets") { _, _ in
            try PortalJSON.response(ItemList(try await store.listBucketUsage().map(BucketView.init)))
        }
        api.get("buckets/:name") { _, context in
            guard let usage = try await store.bucketUsage(name: Self.parameter("name", context)) else {
                throw PortalError.notFound("No such bucket")
            }
            return try PortalJSON.response(BucketView(usage))
        }
    }

    /// A path parameter, percent-decoded (`ksanctl` encodes every byte outside A-Z a-z 0-9 - . _ ~).
    static func parameter(_ name: String, _ context: some RequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw PortalError.badRequest("The path parameter \(name) is not valid percent-encoded UTF-8")
        }
        return decoded
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

    /// The pool a creation asks for: `ec` "K+M" or `replicas` N, failure domain host (the default) or rack.
    static func pool(from body: CreatePoolRequest) throws -> Topology.Pool {
        guard let domain = FailureDomain(rawValue: body.failureDomain ?? "host") else {
            throw PortalError.badRequest("failureDomain must be host or rack")
        }
        let failureDomain = domain == .host ? nil : domain
        switch (body.ec, body.replicas) {
        case (let ec?, nil):
            let parts = ec.split(separator: "+", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let m = Int(parts[1]), (1...255).contains(k),
                (1...255).contains(m)
            else {
                throw PortalError.badRequest("ec must look like 4+2 (k data and m parity shards, each 1 to 255)")
            }
            return Topology.Pool(
                id: body.id, k: k, m: m, replicas: nil, disks: body.disks, default: body.default,
                failureDomain: failureDomain)
        case (nil, let replicas?):
            guard (1...255).contains(replicas) else { throw PortalError.badRequest("replicas must be 1 to 255") }
            return Topology.Pool(
                id: body.id, replicas: replicas, disks: body.disks, default: body.default, failureDomain: failureDomain)
        default:
            throw PortalError.badRequest("Give either ec (\"4+2\") or replicas (3), not both and not neither")
        }
    }

    /// The `kind` path parameter: a kind of service.
    static func kind(_ context: some RequestContext) throws -> ServiceKind {
        let text = try parameter("kind", context)
        guard let kind = ServiceKind(rawValue: text) else {
            throw PortalError.badRequest(
                "kind must be one of " + ServiceKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }

    static func settingsView(_ settings: ServiceSettings?, kind: ServiceKind) -> SettingsView {
        SettingsView(
            kind: kind.rawValue, version: settings?.version ?? 0, settings: settings?.settings ?? [:],
            createdAt: settings?.createdAt, comment: settings?.comment, liveKeys: LiveSettings.keys(for: kind))
    }

    static func storageClasses(_ store: PostgresMetadataStore) async throws -> [StorageClassView] {
        try await store.topology().storageClasses?.sorted { $0.key < $1.key }
            .map { StorageClassView(name: $0.key, poolId: $0.value) } ?? []
    }

    static func servers(_ store: PostgresMetadataStore) async throws -> [ServerView] {
        let services = try await store.listServices()
        let hosts = try await store.topology().hosts
        // A service that does not name its server runs on the one at its address, if only one server is there.
        var byAddress: [String: [String]] = [:]
        for host in hosts {
            if let address = Self.host(of: host.endpoint) { byAddress[address, default: []].append(host.id) }
        }
        return hosts.map { host in
            ServerView(
                id: host.id, endpoint: host.endpoint, rack: host.rack, disks: host.disks,
                services: services.filter { service in
                    if let serverId = service.serverId { return serverId == host.id }
                    return Self.host(of: service.endpoint).flatMap { byAddress[$0] } == [host.id]
                }.map(\.id),
                state: (host.state ?? .online).rawValue, stateSince: host.stateSince, stateHeld: host.stateHeld ?? false
            )
        }
    }

    /// The host of a server's endpoint (`http://host:port/...`) or of a service's (`host:port`).
    static func host(of endpoint: String) -> String? {
        endpoint.contains("://") ? URL(string: endpoint)?.host : HostPort(endpoint)?.host
    }

    static func disks(_ store: PostgresMetadataStore) async throws -> [DiskView] {
        let topology = try await store.topology()
        let usage = try await store.diskUsage()
        return topology.hosts.flatMap { host in
            host.disks.map { disk in
                DiskView(
                    id: disk, serverId: host.id, state: topology.settings(ofDisk: disk).state.rawValue,
                    mode: topology.settings(ofDisk: disk).mode.rawValue, full: topology.settings(ofDisk: disk).full,
                    pools: topology.pools.filter { $0.disks.contains(disk) }.map(\.id),
                    capacityBytes: usage[disk]?.capacityBytes, usedBytes: usage[disk]?.usedBytes)
            }
        }
    }

    static func pools(_ store: PostgresMetadataStore) async throws -> [PoolView] {
        let topology = try await store.topology()
        let defaultId = topology.defaultPool?.id
        return topology.pools.map { PoolView($0, isDefault: $0.id == defaultId) }
    }

    static func status(_ store: PostgresMetadataStore) async throws -> StatusReport {
        let summary = try await store.clusterSummary()
        let now = Date()
        let services = try await store.listServices()
        let states = services.map { $0.state(at: now) }
        let topology = try await store.topology()
        var warnings: [String] = []
        for service in services where service.state(at: now) == .timeout {
            warnings.append("service \(service.id) sends no heartbeats")
        }
        for host in topology.hosts {
            if host.isOffline {
                warnings.append(
                    "server \(host.id) is Offline" + (host.stateHeld == true ? " (held by an operator)" : ""))
            }
            for disk in host.disks {
                let state = topology.settings(ofDisk: disk).state
                if state == .bad || state == .disabled { warnings.append("disk \(disk) is \(state.rawValue)") }
                if topology.settings(ofDisk: disk).full { warnings.append("disk \(disk) is full: no new shards") }
            }
        }
        if topology.defaultPool == nil { warnings.append("no default pool: buckets cannot be created") }
        let emptying = topology.hosts.flatMap { host in
            host.disks.filter { disk in
                let state = topology.settings(ofDisk: disk).state
                return host.isOffline || state == .bad || state == .disabled
            }
        }.sorted()
        let backlog =
            emptying.isEmpty
            ? MoveBacklog(data: 0, bytes: 0, movedData: 0, movedBytes: 0, window: 300)
            : try await store.moveBacklog(disks: emptying)
        let pace = Double(backlog.movedBytes) / backlog.window
        let rebuild = RebuildProgress(
            disks: emptying, dataRemaining: backlog.data, bytesRemaining: backlog.bytes,
            dataMovedLately: backlog.movedData, bytesPerSecond: pace,
            etaSeconds: pace > 0 && backlog.data > 0 ? Double(backlog.bytes) / pace : nil)
        if backlog.data > 0 {
            warnings.append(
                "\(backlog.data) data still have shards on disks being emptied (\(emptying.joined(separator: ", ")))")
        }
        var rebalance: [RebalanceProgress] = []
        for pool in topology.pools {
            guard let since = pool.rebalanceSince else { continue }
            let balance = ShardBalance(
                pool: pool, loads: try await store.diskLoads(poolId: pool.id), topology: topology)
            let shardPace = pace / Double(pool.dataShards)
            rebalance.append(
                RebalanceProgress(
                    pool: pool.id, since: since, bytesToMove: balance.bytesToMove,
                    leastLoaded: balance.loads.values.min() ?? 0, mostLoaded: balance.loads.values.max() ?? 0,
                    etaSeconds: shardPace > 0 ? Double(balance.bytesToMove) / shardPace : nil))
        }
        let queues = try await store.queueLengths()
        if queues.outbox.oldestAgeSeconds > 60 {
            warnings.append("events wait in the outbox for \(Int(queues.outbox.oldestAgeSeconds)) s: is RabbitMQ up?")
        }
        return StatusReport(
            servers: summary.servers, disks: summary.disks, pools: summary.pools, defaultPool: summary.defaultPool,
            users: summary.users, buckets: summary.buckets, objects: summary.objects, bytes: summary.bytes,
            capacityBytes: summary.capacityBytes, usedBytes: summary.usedBytes,
            services: ServiceCounts(
                online: states.filter { $0 == .online }.count, offline: states.filter { $0 == .offline }.count,
                timeout: states.filter { $0 == .timeout }.count),
            health: warnings.isEmpty ? "OK" : "DEGRADED", warnings: warnings, queues: queues, rebuild: rebuild,
            rebalance: rebalance)
    }
}
