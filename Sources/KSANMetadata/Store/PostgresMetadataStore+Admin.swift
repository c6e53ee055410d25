import Foundation
import Logging
import PostgresNIO

/// What the portal administers: users and their S3 keys, the portal's own API keys, bucket usage and queue lengths.
extension PostgresMetadataStore {
    // MARK: Users

    /// Every user, by display name.
    public func listUsers() async throws -> [UserRecord] {
        try await read { connection in
            try await Self.users(
                from: try await connection.query(
                    PostgresQuery(unsafeSQL: Self.userQuery + " ORDER BY u.display_name"), logger: logger))
        }
    }

    /// The user with this id, if any.
    public func user(id: String) async throws -> UserRecord? {
        try await read { connection in
            try await Self.users(
                from: try await connection.query(
                    PostgresQuery(unsafeSQL: Self.userQuery + " WHERE u.id = $1", binds: Self.binds(id)),
                    logger: logger)
            ).first
        }
    }

    /// The user with this display name, if any.
    public func user(named displayName: String) async throws -> UserRecord? {
        try await read { connection in
            try await Self.users(
                from: try await connection.query(
                    PostgresQuery(
                        unsafeSQL: Self.userQuery + " WHERE u.display_name = $1", binds: Self.binds(displayName)),
                    logger: logger)
            ).first
        }
    }

    /// Creates a user named `displayName` (its id derived from the name, as the bootstrap administrator's is).
    /// Throws `.conflict` if a user has that name.
    public func createUser(displayName: String) async throws -> UserRecord {
        guard Self.isValidName(displayName) else {
            throw MetadataError(.invalidArgument, "A user name is 1 to 64 characters, without control characters")
        }
        let id = Self.userId(forDisplayName: displayName)
        return try await transaction { connection in
            let taken = try await connection.query(
                "SELECT 1 FROM users WHERE id = \(id) OR display_name = \(displayName)", logger: logger)
            guard try await taken.collect().isEmpty else {
                throw MetadataError(.conflict, "A user named \(displayName) exists")
            }
            let rows = try await connection.query(
                "INSERT INTO users (id, display_name) VALUES (\(id), \(displayName)) RETURNING created_at",
                logger: logger)
            var created = Date()
            for try await date in rows.decode(Date.self) { created = date }
            return UserRecord(id: id, displayName: displayName, createdAt: created, keyCount: 0, bucketCount: 0)
        }
    }

    /// Deletes a user and their keys. Throws `.notFound`, or `.conflict` while they own buckets.
    public func deleteUser(id: String) async throws {
        try await transaction { connection in
            let owned = try await connection.query(
                "SELECT 1 FROM buckets WHERE owner_id = \(id) LIMIT 1", logger: logger)
            guard try await owned.collect().isEmpty else {
                throw MetadataError(.conflict, "The user owns buckets: delete them first")
            }
            let deleted = try await connection.query("DELETE FROM users WHERE id = \(id) RETURNING id", logger: logger)
            guard try await !deleted.collect().isEmpty else { throw MetadataError(.notFound, "No such user") }
        }
    }

    // MARK: S3 access keys

    /// The access keys of one user, or of every user, by creation time; or the one key `accessKeyId`.
    public func listAccessKeys(userId: String?, accessKeyId: String? = nil) async throws -> [AccessKeySummary] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT access_key_id, user_id, enabled, created_at FROM access_keys
                WHERE (\(userId)::text IS NULL OR user_id = \(userId))
                  AND (\(accessKeyId)::text IS NULL OR access_key_id = \(accessKeyId))
                ORDER BY created_at, access_key_id
                """,
                logger: logger)
            var keys: [AccessKeySummary] = []
            for try await (id, user, enabled, created) in rows.decode((String, String, Bool, Date).self) {
                keys.append(AccessKeySummary(accessKeyId: id, userId: user, enabled: enabled, createdAt: created))
            }
            return keys
        }
    }

    /// Creates a new key for a user, returning it with its secret (the only time the secret leaves the store
    /// through the portal). Throws `.notFound` for an unknown user.
    public func createAccessKey(userId: String, tenantId: String? = nil) async throws
        -> (key: AccessKeySummary, secretKey: String)
    {
        let id = CredentialGenerator.accessKeyId()
        let secret = CredentialGenerator.secretKey()
        return try await transaction { connection in
            let user = try await connection.query("SELECT 1 FROM users WHERE id = \(userId) FOR SHARE", logger: logger)
            guard try await !user.collect().isEmpty else { throw MetadataError(.notFound, "No such user") }
            let rows = try await connection.query(
                """
                INSERT INTO access_keys (access_key_id, secret_key, user_id, tenant_id)
                VALUES (\(id), \(secret), \(userId), \(tenantId))
                RETURNING created_at
                """,
                logger: logger)
            var created = Date()
            for try await date in rows.decode(Date.self) { created = date }
            return (AccessKeySummary(accessKeyId: id, userId: userId, enabled: true, createdAt: created), secret)
        }
    }

    /// Enables or disables a key. Throws `.notFound`.
    public func setAccessKeyEnabled(id: String, enabled: Bool) async throws -> AccessKeySummary {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE access_keys SET enabled = \(enabled) WHERE access_key_id = \(id)
                RETURNING access_key_id, user_id, enabled, created_at
                """,
                logger: logger)
            for try await (key, user, enabled, created) in rows.decode((String, String, Bool, Date).self) {
                try await recordEvent(
                    AccessKeyChange(change: enabled ? "enabled" : "disabled", accessKeyId: key),
                    exchange: AccessKeyChange.exchange, routingKey: AccessKeyChange.routingKey, on: connection)
                return AccessKeySummary(accessKeyId: key, userId: user, enabled: enabled, createdAt: created)
            }
            throw MetadataError(.notFound, "No such access key")
        }
    }

    /// Deletes a key (only if it is `userId`'s, when given). Throws `.notFound`.
    public func deleteAccessKey(id: String, userId: String? = nil) async throws {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                DELETE FROM access_keys WHERE access_key_id = \(id) AND (\(userId)::text IS NULL OR user_id = \(userId))
                RETURNING access_key_id
                """,
                logger: logger)
            guard try await !rows.collect().isEmpty else { throw MetadataError(.notFound, "No such access key") }
            try await recordEvent(
                AccessKeyChange(change: "removed", accessKeyId: id), exchange: AccessKeyChange.exchange,
                routingKey: AccessKeyChange.routingKey, on: connection)
        }
    }

    // MARK: Portal API keys

    /// Every API key, by creation time.
    public func listAPIKeys() async throws -> [APIKeyRecord] {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT id, name, secret_hash, created_at FROM api_keys ORDER BY created_at, id", logger: logger)
            var keys: [APIKeyRecord] = []
            for try await (id, name, hash, created) in rows.decode((String, String, String, Date).self) {
                keys.append(APIKeyRecord(id: id, name: name, secretHash: hash, createdAt: created))
            }
            return keys
        }
    }

    /// The API key with this id, if any.
    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT id, name, secret_hash, created_at FROM api_keys WHERE id = \(id)", logger: logger)
            for try await (id, name, hash, created) in rows.decode((String, String, String, Date).self) {
                return APIKeyRecord(id: id, name: name, secretHash: hash, createdAt: created)
            }
            return nil
        }
    }

    /// Stores an API key (or replaces the hash of the key with this id: how a bootstrap key file rotates it).
    @discardableResult
    public func saveAPIKey(id: String, name: String, secretHash: String) async throws -> APIKeyRecord {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO api_keys (id, name, secret_hash) VALUES (\(id), \(name), \(secretHash))
                ON CONFLICT (id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, name = EXCLUDED.name
                RETURNING created_at
                """,
                logger: logger)
            var created = Date()
            for try await date in rows.decode(Date.self) { created = date }
            return APIKeyRecord(id: id, name: name, secretHash: secretHash, createdAt: created)
        }
    }

    /// Deletes an API key. Throws `.notFound`, or `.conflict` for the last one (the portal would lock everyone out).
    public func deleteAPIKey(id: String) async throws {
        try await transaction { connection in
            let all = try await connection.query("SELECT id FROM api_keys FOR UPDATE", logger: logger)
            var ids: [String] = []
            for try await key in all.decode(String.self) { ids.append(key) }
            guard ids.contains(id) else { throw MetadataError(.notFound, "No such API key") }
            guard ids.count > 1 else {
                throw MetadataError(.conflict, "This is the last API key: create another one before deleting it")
            }
            try await connection.query("DELETE FROM api_keys WHERE id = \(id)", logger: logger)
        }
    }

    // MARK: Buckets and queues

    /// Every bucket with its object count and bytes, by name.
    public func listBucketUsage() async throws -> [BucketUsage] {
        try await bucketUsage(name: nil)
    }

    /// One bucket with its object count and bytes, if it exists.
    public func bucketUsage(name: String) async throws -> BucketUsage? {
        try await bucketUsage(name: Optional(name)).first
    }

    func bucketUsage(name: String?) async throws -> [BucketUsage] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT b.name, b.id, b.owner_id, COALESCE(u.display_name, b.owner_display_name), b.region, b.pool_id,
                       b.created_at, b.versioning, COALESCE(o.objects, 0)::int8, COALESCE(o.bytes, 0)::int8
                FROM buckets b LEFT JOIN users u ON u.id = b.owner_id
                LEFT JOIN LATERAL (
                    -- Objects: the current versions; bytes: every version kept (noncurrent ones too).
                    SELECT count(*) FILTER (WHERE is_latest AND NOT is_delete_marker) AS objects, sum(size) AS bytes
                    FROM objects WHERE bucket = b.name
                ) o ON true
                WHERE \(name)::text IS NULL OR b.name = \(name)
                ORDER BY b.name
                """,
                logger: logger)
            var result: [BucketUsage] = []
            for try await (name, id, owner, display, region, pool, created, versioning, objects, bytes)
                in rows.decode((String, String, String, String, String, String, Date, String, Int64, Int64).self)
            {
                result.append(
                    BucketUsage(
                        bucket: BucketRecord(
                            name: name, id: id, ownerId: owner, ownerDisplayName: display, region: region,
                            poolId: pool, createdAt: created,
                            versioning: VersioningStatus(rawValue: versioning) ?? .unversioned),
                        objectCount: objects, bytes: bytes))
            }
            return result
        }
    }

    /// The counts of the status screen, in one query (the objects' only by an aggregate over current versions).
    public func clusterSummary() async throws -> ClusterSummary {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT (SELECT count(*) FROM hosts)::int8, (SELECT count(*) FROM disks)::int8,
                       (SELECT count(*) FROM pools)::int8, (SELECT id FROM pools WHERE is_default LIMIT 1),
                       (SELECT count(*) FROM users)::int8, (SELECT count(*) FROM buckets)::int8,
                       o.objects, o.bytes, d.capacity, d.used
                FROM (SELECT (count(*) FILTER (WHERE is_latest AND NOT is_delete_marker))::int8 AS objects,
                             COALESCE(sum(size), 0)::int8 AS bytes
                      FROM objects) o,
                     (SELECT COALESCE(sum(capacity_bytes), 0)::int8 AS capacity,
                             COALESCE(sum(used_bytes), 0)::int8 AS used FROM disks) d
                """,
                logger: logger)
            for try await (servers, disks, pools, defaultPool, users, buckets, objects, bytes, capacity, used)
                in rows.decode((Int64, Int64, Int64, String?, Int64, Int64, Int64, Int64, Int64, Int64).self)
            {
                return ClusterSummary(
                    servers: Int(servers), disks: Int(disks), pools: Int(pools), defaultPool: defaultPool,
                    users: Int(users), buckets: Int(buckets), objects: objects, bytes: bytes, capacityBytes: capacity,
                    usedBytes: used)
            }
            throw MetadataError(.internal, "the summary query returned no row")
        }
    }

    /// The lengths of the repair, garbage and outbox queues.
    public func queueLengths() async throws -> QueueLengths {
        let outbox = try await outboxBacklog()
        return try await read { connection in
            let rows = try await connection.query(
                "SELECT (SELECT count(*) FROM repair_queue), (SELECT count(*) FROM gc_queue)", logger: logger)
            for try await (repair, garbage) in rows.decode((Int64, Int64).self) {
                return QueueLengths(repair: repair, garbage: garbage, outbox: outbox)
            }
            return QueueLengths(repair: 0, garbage: 0, outbox: outbox)
        }
    }

    /// A user or key name: 1 to 64 Unicode scalars, none a control character (C0, DEL or C1).
    public static func isValidName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        return (1...64).contains(scalars.count)
            && !scalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    static let userQuery = """
        SELECT u.id, u.display_name, u.created_at,
               (SELECT count(*) FROM access_keys k WHERE k.user_id = u.id)::int8,
               (SELECT count(*) FROM buckets b WHERE b.owner_id = u.id)::int8
        FROM users u
        """

    static func binds(_ value: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }

    static func users(from rows: PostgresRowSequence) async throws -> [UserRecord] {
        var users: [UserRecord] = []
        for try await (id, name, created, keys, buckets) in rows.decode((String, String, Date, Int64, Int64).self) {
            users.append(
                UserRecord(
                    id: id, displayName: name, createdAt: created, keyCount: Int(keys), bucketCount: Int(buckets)))
        }
        return users
    }
}

extension PostgresMetadataStore {
    /// Waits (up to `timeout` seconds) until the schema has migration `version`, for services that use the schema
    /// the metadata service migrates.
    public func waitForSchema(version: Int, timeout: Double = 120, logger: Logger) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var said = false
        while true {
            let current: Int? = try? await read { connection in
                let rows = try await connection.query("SELECT max(version) FROM schema_migrations", logger: logger)
                for try await value in rows.decode(Int?.self) { return value }
                return nil
            }
            if let current, current >= version { return }
            guard ContinuousClock.now < deadline else {
                throw MetadataError(
                    .unavailable, "The schema is not at version \(version) (is ksan-metadata running on this database?)"
                )
            }
            if !said {
                logger.info("Waiting for ksan-metadata to migrate the schema", metadata: ["ksan.schema": "\(version)"])
                said = true
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
