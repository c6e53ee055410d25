import Foundation
import PostgresNIO

/// Changes of the topology one resource at a time, as the portal makes them. Each runs under the topology lock,
/// checks the whole topology it would leave, and records a `topology.changed` event in its transaction.
extension PostgresMetadataStore {
    /// Adds a server, in `rack` if given. Throws `.conflict` if the id exists, `.invalidArgument` for a bad id,
    /// rack or endpoint.
    public func addServer(id: String, endpoint: String, rack: String? = nil) async throws {
        try Self.checkResourceId(id, "server")
        if let rack { try Self.checkResourceId(rack, "rack") }
        guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw MetadataError(.invalidArgument, "The endpoint must be an http:// or https:// URL with a host")
        }
        try await topologyChange(TopologyChange(change: "server.added", id: id)) { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO hosts (id, endpoint, rack, position)
                VALUES (\(id), \(endpoint), \(rack), (SELECT COALESCE(max(position) + 1, 0) FROM hosts))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """,
                logger: logger)
            guard try await !inserted.collect().isEmpty else { throw MetadataError(.conflict, "Server \(id) exists") }
        }
    }

    /// Moves a server to `rack`, or out of any rack (nil). Refused (`.invalidTopology`) if a pool whose failure
    /// domain is the rack would then be unable to place its stripes safely; data already written keeps its recorded
    /// placement.
    public func setServerRack(id: String, rack: String?) async throws {
        if let rack { try Self.checkResourceId(rack, "rack") }
        try await topologyChange(TopologyChange(change: "server.updated", id: id)) { connection in
            var topology = try await topology(on: connection)
            guard let index = topology.hosts.firstIndex(where: { $0.id == id }) else {
                throw MetadataError(.notFound, "No such server")
            }
            topology.hosts[index].rack = rack
            for pool in topology.pools where pool.domain == .rack {
                try PoolPlacement.validate(pool: pool, topology: topology)
            }
            try await connection.query("UPDATE hosts SET rack = \(rack) WHERE id = \(id)", logger: logger)
        }
    }

    /// Removes a server that has no disks left.
    public func removeServer(id: String) async throws {
        try await topologyChange(TopologyChange(change: "server.removed", id: id)) { connection in
            let disks = try await connection.query("SELECT id FROM disks WHERE host_id = \(id) LIMIT 1", logger: logger)
            guard try await disks.collect().isEmpty else {
                throw MetadataError(.conflict, "Server \(id) still has disks: remove them first")
            }
            let deleted = try await connection.query("DELETE FROM hosts WHERE id = \(id) RETURNING id", logger: logger)
            guard try await !deleted.collect().isEmpty else { throw MetadataError(.notFound, "No such server") }
        }
    }

    /// Adds a disk to a server (Good and ReadWrite; it takes shards once a pool lists it).
    public func addDisk(id: String, serverId: String) async throws {
        try Self.checkResourceId(id, "disk")
        try await topologyChange(TopologyChange(change: "disk.added", id: id)) { connection in
            let host = try await connection.query("SELECT 1 FROM hosts WHERE id = \(serverId)", logger: logger)
            guard try await !host.collect().isEmpty else { throw MetadataError(.notFound, "No such server") }
            let inserted = try await connection.query(
                """
                INSERT INTO disks (id, host_id, position)
                VALUES (\(id), \(serverId), (SELECT COALESCE(max(position) + 1, 0) FROM disks WHERE host_id = \(serverId)))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """,
                logger: logger)
            guard try await !inserted.collect().isEmpty else { throw MetadataError(.conflict, "Disk \(id) exists") }
        }
    }

    /// Sets a disk's state and/or mode.
    public func updateDisk(id: String, state: DiskSettings.State?, mode: DiskSettings.Mode?) async throws {
        try await topologyChange(TopologyChange(change: "disk.updated", id: id)) { connection in
            let updated = try await connection.query(
                """
                UPDATE disks SET state = COALESCE(\(state?.rawValue), state), mode = COALESCE(\(mode?.rawValue), mode)
                WHERE id = \(id) RETURNING id
                """,
                logger: logger)
            guard try await !updated.collect().isEmpty else { throw MetadataError(.notFound, "No such disk") }
        }
    }

    /// Removes a disk that holds no committed shard. A disk that pools list must be drained first (Disabled, and
    /// emptied by the workers): it then leaves those pools too, if each can still place its stripes safely without it.
    public func removeDisk(id: String) async throws {
        try await topologyChange(TopologyChange(change: "disk.removed", id: id)) { connection in
            let exists = try await connection.query(
                "SELECT state FROM disks WHERE id = \(id) FOR UPDATE", logger: logger)
            var state: String?
            for try await value in exists.decode(String.self) { state = value }
            guard let state else { throw MetadataError(.notFound, "No such disk") }
            var topology = try await topology(on: connection)
            let listing = topology.pools.filter { $0.disks.contains(id) }.map(\.id)
            let drained = state == DiskSettings.State.disabled.rawValue || state == DiskSettings.State.bad.rawValue
            guard listing.isEmpty || drained else {
                throw MetadataError(
                    .conflict,
                    "Disk \(id) is in pool(s) \(listing.joined(separator: ", ")): drain it first "
                        + "(ksanctl disk drain \(id)), or remove the pools")
            }
            let held = try await connection.query(
                "SELECT count(*) FROM placement WHERE \(id) = ANY(disk_ids)", logger: logger)
            for try await count in held.decode(Int64.self) where count > 0 {
                throw MetadataError(
                    .conflict,
                    "Disk \(id) holds shards of \(count) stored object part(s): they would be lost (drain it first: "
                        + "ksanctl disk drain \(id))")
            }
            if !listing.isEmpty {
                for index in topology.pools.indices where topology.pools[index].disks.contains(id) {
                    topology.pools[index].disks.removeAll { $0 == id }
                    try PoolPlacement.validate(pool: topology.pools[index], topology: topology)
                }
                try await connection.query(
                    "UPDATE pools SET disk_ids = array_remove(disk_ids, \(id)) WHERE \(id) = ANY(disk_ids)",
                    logger: logger)
            }
            try await connection.query("DELETE FROM disks WHERE id = \(id)", logger: logger)
        }
    }

    /// Creates a pool over existing disks; refused if it could lose data with one of its failure domains down.
    public func createPool(_ pool: Topology.Pool) async throws {
        try Self.checkResourceId(pool.id, "pool")
        if pool.replicas != nil && (pool.k != nil || pool.m != nil) {
            throw MetadataError(.invalidArgument, "Give either replicas or k and m, not both")
        }
        try await topologyChange(TopologyChange(change: "pool.created", id: pool.id)) { connection in
            var topology = try await topology(on: connection)
            guard !topology.pools.contains(where: { $0.id == pool.id }) else {
                throw MetadataError(.conflict, "Pool \(pool.id) exists")
            }
            topology.pools.append(pool)
            try PoolPlacement.validate(pool: pool, topology: topology)
            let kind = pool.isReplicated ? "replicated" : "erasure"
            if pool.default == true {
                try await connection.query("UPDATE pools SET is_default = false", logger: logger)
            }
            try await connection.query(
                """
                INSERT INTO pools (id, kind, k, m, replicas, is_default, disk_ids, failure_domain, position)
                VALUES (\(pool.id), \(kind), \(pool.k), \(pool.m), \(pool.replicas), \(pool.default ?? false),
                        \(pool.disks), \(pool.domain.rawValue), (SELECT COALESCE(max(position) + 1, 0) FROM pools))
                """,
                logger: logger)
        }
    }

    /// Makes a pool the default of new buckets.
    public func setDefaultPool(id: String) async throws {
        try await topologyChange(TopologyChange(change: "pool.updated", id: id)) { connection in
            let exists = try await connection.query("SELECT 1 FROM pools WHERE id = \(id)", logger: logger)
            guard try await !exists.collect().isEmpty else { throw MetadataError(.notFound, "No such pool") }
            try await connection.query("UPDATE pools SET is_default = (id = \(id))", logger: logger)
        }
    }

    /// Removes a pool no bucket, upload or stored data uses, and that is not the default.
    public func removePool(id: String) async throws {
        try await topologyChange(TopologyChange(change: "pool.removed", id: id)) { connection in
            let rows = try await connection.query(
                "SELECT is_default, (SELECT count(*) FROM pools) FROM pools WHERE id = \(id)", logger: logger)
            var found = false
            for try await (isDefault, count) in rows.decode((Bool, Int64).self) {
                found = true
                if isDefault && count > 1 {
                    throw MetadataError(.conflict, "Pool \(id) is the default: make another pool the default first")
                }
                if count == 1 { throw MetadataError(.conflict, "Pool \(id) is the only pool") }
            }
            guard found else { throw MetadataError(.notFound, "No such pool") }
            let classes = try await connection.query(
                "SELECT name FROM storage_classes WHERE pool_id = \(id) ORDER BY name", logger: logger)
            for try await name in classes.decode(String.self) {
                throw MetadataError(.conflict, "Pool \(id) stores storage class \(name): map it elsewhere first")
            }
            let used = try await connection.query(
                """
                SELECT (SELECT count(*) FROM buckets WHERE pool_id = \(id))
                     + (SELECT count(*) FROM multipart_uploads WHERE pool_id = \(id))
                     + (SELECT count(*) FROM placement WHERE pool_id = \(id))
                """,
                logger: logger)
            for try await count in used.decode(Int64.self) where count > 0 {
                throw MetadataError(.conflict, "Pool \(id) is used by buckets, uploads or stored data")
            }
            try await connection.query("DELETE FROM pools WHERE id = \(id)", logger: logger)
        }
    }

    /// Maps a storage class (an S3 name other than STANDARD) to a pool; new objects of that class go there, those
    /// already written stay where they are. Throws `.invalidArgument` or `.notFound` (no such pool).
    public func setStorageClass(name: String, poolId: String) async throws {
        try Self.checkStorageClass(name)
        try await topologyChange(TopologyChange(change: "storageClass.set", id: name)) { connection in
            let pool = try await connection.query("SELECT 1 FROM pools WHERE id = \(poolId)", logger: logger)
            guard try await !pool.collect().isEmpty else { throw MetadataError(.notFound, "No such pool") }
            try await connection.query(
                """
                INSERT INTO storage_classes (name, pool_id) VALUES (\(name), \(poolId))
                ON CONFLICT (name) DO UPDATE SET pool_id = EXCLUDED.pool_id
                """,
                logger: logger)
        }
    }

    /// Unmaps a storage class: writes asking for it get InvalidStorageClass again (objects of it keep their
    /// class and data). Throws `.notFound`.
    public func removeStorageClass(name: String) async throws {
        try await topologyChange(TopologyChange(change: "storageClass.removed", id: name)) { connection in
            let deleted = try await connection.query(
                "DELETE FROM storage_classes WHERE name = \(name) RETURNING name", logger: logger)
            guard try await !deleted.collect().isEmpty else {
                throw MetadataError(.notFound, "No such storage class")
            }
        }
    }

    /// Runs a change under the topology lock and records its event in the same transaction.
    func topologyChange(
        _ change: TopologyChange, _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        try await transaction { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.topologyLockKey))", logger: logger)
                .collect()
            try await body(connection)
            try await recordEvent(
                change, exchange: TopologyChange.exchange, routingKey: TopologyChange.routingKey, on: connection)
        }
        logger.info("Topology changed", metadata: ["ksan.change": "\(change.change)", "ksan.id": "\(change.id)"])
    }

    /// Ids of servers, disks and pools: 1 to 64 letters, digits, `.`, `_` or `-`.
    static func checkResourceId(_ id: String, _ kind: String) throws {
        guard isValidResourceId(id) else {
            throw MetadataError(.invalidArgument, "A \(kind) id is 1 to 64 letters, digits, '.', '_' or '-'")
        }
    }

    /// Whether `id` is a valid id of a server, disk, pool or zone: 1 to 64 letters, digits, '.', '_' or '-'.
    public static func isValidResourceId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy({
                $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                    || (0x61...0x7A).contains($0)
            })
    }
}
