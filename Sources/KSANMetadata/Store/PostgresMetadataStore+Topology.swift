import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    /// The advisory lock key that serialises topology loads (ASCII "ksantopo").
    static let topologyLockKey: Int64 = 0x6B73_616E_746F_706F

    public func topology() async throws -> Topology {
        try await transaction(readOnly: true) { connection in try await topology(on: connection) }
    }

    /// The topology as the caller's transaction sees it.
    func topology(on connection: PostgresConnection) async throws -> Topology {
        var hosts: [Topology.Host] = []
        let hostRows = try await connection.query(
            """
            SELECT h.id, h.endpoint, h.rack,
                   COALESCE(ARRAY(SELECT d.id FROM disks d WHERE d.host_id = h.id ORDER BY d.position, d.id),
                            '{}'::text[]),
                   h.state, h.state_since, h.state_held
            FROM hosts h ORDER BY h.position, h.id
            """,
            logger: logger
        )
        for try await (id, endpoint, rack, disks, state, since, held) in hostRows.decode(
            (String, String, String?, [String], String, Date, Bool).self)
        {
            // An Online host that no operator holds reads as a file writes it: no state at all.
            let offline = HostState(rawValue: state) == .offline
            hosts.append(
                Topology.Host(
                    id: id, endpoint: endpoint, disks: disks, rack: rack, state: offline ? .offline : nil,
                    stateSince: offline || held ? since : nil, stateHeld: held ? true : nil))
        }
        var pools: [Topology.Pool] = []
        let poolRows = try await connection.query(
            """
            SELECT id, k, m, replicas, is_default, disk_ids, failure_domain, rebalance_since FROM pools
            ORDER BY position, id
            """,
            logger: logger
        )
        for try await (id, k, m, replicas, isDefault, disks, domain, rebalanceSince) in poolRows.decode(
            (String, Int?, Int?, Int?, Bool, [String], String, Date?).self
        ) {
            // The host is recorded as nil, as a topology file leaves it out.
            let failureDomain = FailureDomain(rawValue: domain).flatMap { $0 == .host ? nil : $0 }
            pools.append(
                Topology.Pool(
                    id: id, k: k, m: m, replicas: replicas, disks: disks, default: isDefault ? true : nil,
                    failureDomain: failureDomain, rebalanceSince: rebalanceSince))
        }
        var settings: [String: DiskSettings] = [:]
        let diskRows = try await connection.query(
            "SELECT id, state, mode, is_full FROM disks WHERE state <> 'Good' OR mode <> 'ReadWrite' OR is_full",
            logger: logger)
        for try await (id, state, mode, full) in diskRows.decode((String, String, String, Bool).self) {
            settings[id] = DiskSettings(
                state: DiskSettings.State(rawValue: state) ?? .disabled,
                mode: DiskSettings.Mode(rawValue: mode) ?? .readOnly, full: full)
        }
        var classes: [String: String] = [:]
        let classRows = try await connection.query("SELECT name, pool_id FROM storage_classes", logger: logger)
        for try await (name, pool) in classRows.decode((String, String).self) { classes[name] = pool }
        return Topology(
            hosts: hosts, pools: pools, diskSettings: settings.isEmpty ? nil : settings,
            storageClasses: classes.isEmpty ? nil : classes)
    }

    /// Checks a topology: unique host, disk and pool ids, each disk on one host, at least one pool, at most one
    /// default pool, and every pool placeable (``PoolPlacement/validate(pool:topology:)``).
    /// - Throws: ``MetadataError`` `.invalidTopology` naming the problem.
    public static func validate(topology: Topology) throws {
        var hostIds = Set<String>()
        var diskIds = Set<String>()
        for host in topology.hosts {
            guard !host.id.isEmpty else { throw MetadataError(.invalidTopology, "a host has an empty id") }
            guard hostIds.insert(host.id).inserted else {
                throw MetadataError(.invalidTopology, "host \(host.id) is listed twice")
            }
            guard URL(string: host.endpoint)?.host != nil else {
                throw MetadataError(.invalidTopology, "host \(host.id) has an invalid endpoint \(host.endpoint)")
            }
            if let rack = host.rack, !isValidResourceId(rack) {
                throw MetadataError(
                    .invalidTopology, "host \(host.id): a rack id is 1 to 64 letters, digits, '.', '_' or '-'")
            }
            for disk in host.disks {
                guard diskIds.insert(disk).inserted else {
                    throw MetadataError(.invalidTopology, "disk \(disk) is listed on more than one host or twice")
                }
            }
        }
        guard !topology.pools.isEmpty else { throw MetadataError(.invalidTopology, "the topology has no pool") }
        var poolIds = Set<String>()
        for pool in topology.pools {
            guard poolIds.insert(pool.id).inserted else {
                throw MetadataError(.invalidTopology, "pool \(pool.id) is listed twice")
            }
            if pool.replicas != nil && (pool.k != nil || pool.m != nil) {
                throw MetadataError(.invalidTopology, "pool \(pool.id): give either replicas or k and m, not both")
            }
            try PoolPlacement.validate(pool: pool, topology: topology)
        }
        guard topology.pools.filter({ $0.default == true }).count <= 1 else {
            throw MetadataError(.invalidTopology, "more than one pool is marked default")
        }
        for (name, pool) in topology.storageClasses ?? [:] {
            try checkStorageClass(name)
            guard poolIds.contains(pool) else {
                throw MetadataError(.invalidTopology, "storage class \(name) names pool \(pool), which is not listed")
            }
        }
    }

    /// A class an operator may map: a name S3 knows, other than STANDARD (each bucket's own pool).
    static func checkStorageClass(_ name: String) throws {
        guard StorageClassName.known.contains(name) else {
            throw MetadataError(
                .invalidArgument,
                "\(name) is not a storage class of S3 (\(StorageClassName.known.sorted().joined(separator: ", ")))")
        }
        guard name != StorageClassName.standard else {
            throw MetadataError(.invalidArgument, "STANDARD is each bucket's own pool and cannot be mapped")
        }
    }

    /// Loads `topology` if the cluster has none yet (no server and no pool): a file seeds a new cluster only.
    /// - Returns: Whether it was loaded.
    public func seedTopology(_ topology: Topology) async throws -> Bool {
        let empty = try await read { connection in
            let rows = try await connection.query(
                "SELECT NOT EXISTS (SELECT 1 FROM hosts) AND NOT EXISTS (SELECT 1 FROM pools)", logger: logger)
            for try await empty in rows.decode(Bool.self) { return empty }
            return false
        }
        guard empty else { return false }
        try await loadTopology(topology)
        return true
    }

    /// Validates a topology and stores it: hosts and disks are upserted (hosts and disks absent from `topology` are
    /// kept, since data recorded on them may still be read), pools are replaced by those of `topology`.
    /// - Throws: ``MetadataError`` `.invalidTopology` if the topology is invalid or drops a pool that a bucket or
    ///   upload still uses.
    public func loadTopology(_ topology: Topology) async throws {
        try Self.validate(topology: topology)
        try await transaction { connection in
            // Read, so that the lock is held before the next statement (see `lockKey(bucket:key:on:)`).
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.topologyLockKey))", logger: logger)
                .collect()
            for (position, host) in topology.hosts.enumerated() {
                try await connection.query(
                    """
                    INSERT INTO hosts (id, endpoint, rack, position)
                    VALUES (\(host.id), \(host.endpoint), \(host.rack), \(position))
                    ON CONFLICT (id) DO UPDATE
                    SET endpoint = EXCLUDED.endpoint, rack = EXCLUDED.rack, position = EXCLUDED.position
                    """,
                    logger: logger
                )
                for (diskPosition, disk) in host.disks.enumerated() {
                    try await connection.query(
                        """
                        INSERT INTO disks (id, host_id, position) VALUES (\(disk), \(host.id), \(diskPosition))
                        ON CONFLICT (id) DO UPDATE SET host_id = EXCLUDED.host_id, position = EXCLUDED.position
                        """,
                        logger: logger
                    )
                }
            }
            let poolIds = topology.pools.map(\.id)
            let used = try await connection.query(
                """
                SELECT pool_id FROM buckets WHERE NOT (pool_id = ANY(\(poolIds)))
                UNION SELECT pool_id FROM multipart_uploads WHERE NOT (pool_id = ANY(\(poolIds)))
                """,
                logger: logger
            )
            for try await pool in used.decode(String.self) {
                throw MetadataError(
                    .invalidTopology,
                    "pool \(pool) is used by buckets or uploads and cannot be removed from the topology"
                )
            }
            try await connection.query("DELETE FROM pools", logger: logger)
            for (position, pool) in topology.pools.enumerated() {
                let kind = pool.isReplicated ? "replicated" : "erasure"
                try await connection.query(
                    """
                    INSERT INTO pools (id, kind, k, m, replicas, is_default, disk_ids, failure_domain, position)
                    VALUES (\(pool.id), \(kind), \(pool.k), \(pool.m), \(pool.replicas), \(pool.default ?? false),
                            \(pool.disks), \(pool.domain.rawValue), \(position))
                    """,
                    logger: logger
                )
            }
            if let classes = topology.storageClasses {
                try await connection.query("DELETE FROM storage_classes", logger: logger)
                for (name, pool) in classes.sorted(by: { $0.key < $1.key }) {
                    try await connection.query(
                        "INSERT INTO storage_classes (name, pool_id) VALUES (\(name), \(pool))", logger: logger)
                }
            } else {
                let orphaned = try await connection.query(
                    "SELECT name, pool_id FROM storage_classes WHERE NOT (pool_id = ANY(\(poolIds)))", logger: logger)
                for try await (name, pool) in orphaned.decode((String, String).self) {
                    throw MetadataError(
                        .invalidTopology, "storage class \(name) stores in pool \(pool), which the topology drops")
                }
            }
        }
        logger.info(
            "Loaded topology",
            metadata: ["ksan.hosts": "\(topology.hosts.count)", "ksan.pools": "\(topology.pools.count)"]
        )
    }
}
