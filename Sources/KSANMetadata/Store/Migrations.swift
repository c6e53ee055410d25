import Logging
import PostgresNIO

/// The versioned schema of the metadata database.
///
/// Migrations are applied in order at start, each in its own transaction together with its row in
/// `schema_migrations`; concurrent starts of several metadata services are serialised with a session-level
/// `pg_advisory_lock`. A migration, once released, is never edited: schema changes are new migrations.
public enum Migrations {
    /// One schema change.
    public struct Migration: Sendable {
        /// Strictly increasing version number.
        public var version: Int
        /// A short name, recorded in `schema_migrations`.
        public var name: String
        /// The SQL statements, run in order in one transaction.
        public var statements: [String]
    }

    /// The advisory lock key that serialises migrations (ASCII "ksanmigr").
    static let lockKey: Int64 = 0x6B73_616E_6D69_6772

    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(
            version: 1,
            name: "initial schema",
            statements: [
                """
                CREATE TABLE users (
                    id text PRIMARY KEY,
                    display_name text NOT NULL
                )
                """,
                """
                CREATE TABLE access_keys (
                    access_key_id text PRIMARY KEY,
                    secret_key text NOT NULL,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX access_keys_user_idx ON access_keys (user_id)",
                """
                CREATE TABLE hosts (
                    id text PRIMARY KEY,
                    endpoint text NOT NULL,
                    position int NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE disks (
                    id text PRIMARY KEY,
                    host_id text NOT NULL REFERENCES hosts (id),
                    position int NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE pools (
                    id text PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('erasure', 'replicated')),
                    k int,
                    m int,
                    replicas int,
                    is_default bool NOT NULL DEFAULT false,
                    disk_ids text[] NOT NULL,
                    position int NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE buckets (
                    name text COLLATE "C" PRIMARY KEY,
                    owner_id text NOT NULL,
                    owner_display_name text NOT NULL,
                    region text NOT NULL,
                    pool_id text NOT NULL,
                    created_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX buckets_owner_idx ON buckets (owner_id, name)",
                """
                CREATE TABLE objects (
                    bucket text COLLATE "C" NOT NULL REFERENCES buckets (name),
                    key text COLLATE "C" NOT NULL,
                    version_id text NOT NULL,
                    is_latest bool NOT NULL,
                    size bigint NOT NULL,
                    etag text NOT NULL,
                    last_modified timestamptz NOT NULL,
                    content_type text NOT NULL,
                    user_metadata jsonb NOT NULL,
                    headers jsonb NOT NULL,
                    owner_id text NOT NULL,
                    segments jsonb NOT NULL,
                    part_count int,
                    PRIMARY KEY (bucket, key, version_id)
                )
                """,
                "CREATE UNIQUE INDEX objects_latest_idx ON objects (bucket, key) WHERE is_latest",
                """
                CREATE TABLE multipart_uploads (
                    upload_id text PRIMARY KEY,
                    bucket text COLLATE "C" NOT NULL REFERENCES buckets (name),
                    key text COLLATE "C" NOT NULL,
                    initiated timestamptz NOT NULL,
                    owner_id text NOT NULL,
                    content_type text NOT NULL,
                    user_metadata jsonb NOT NULL,
                    headers jsonb NOT NULL,
                    pool_id text NOT NULL
                )
                """,
                "CREATE INDEX multipart_uploads_key_idx ON multipart_uploads (bucket, key, initiated)",
                """
                CREATE TABLE multipart_parts (
                    upload_id text NOT NULL REFERENCES multipart_uploads (upload_id) ON DELETE CASCADE,
                    part_number int NOT NULL,
                    etag text NOT NULL,
                    size bigint NOT NULL,
                    last_modified timestamptz NOT NULL,
                    segment jsonb NOT NULL,
                    PRIMARY KEY (upload_id, part_number)
                )
                """,
                """
                CREATE TABLE placement (
                    data_id text PRIMARY KEY,
                    pool_id text NOT NULL,
                    disk_ids text[] NOT NULL,
                    layout jsonb NOT NULL,
                    refs int NOT NULL DEFAULT 1,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX placement_pool_idx ON placement (pool_id)",
                """
                CREATE TABLE write_intents (
                    data_id text PRIMARY KEY,
                    layout jsonb NOT NULL,
                    created_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX write_intents_created_idx ON write_intents (created_at)",
                """
                CREATE TABLE gc_queue (
                    id bigserial PRIMARY KEY,
                    layout jsonb NOT NULL,
                    enqueued_at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]
        ),
        Migration(
            version: 2,
            name: "repair queue",
            statements: [
                """
                CREATE TABLE repair_queue (
                    data_id text COLLATE "C" PRIMARY KEY,
                    layout jsonb NOT NULL,
                    queued_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 3,
            name: "bucket ids, live intents, repair reports",
            statements: [
                // Buckets get an immutable id that callers name with the bucket, so a re-created bucket is another.
                "ALTER TABLE buckets ADD COLUMN id text",
                "UPDATE buckets SET id = md5(name || ':' || random()::text || ':' || clock_timestamp()::text)",
                "ALTER TABLE buckets ALTER COLUMN id SET NOT NULL",
                "CREATE UNIQUE INDEX buckets_id_idx ON buckets (id)",
                // A write in progress marks its intent alive; garbage collection judges intents by that time.
                "ALTER TABLE write_intents ADD COLUMN alive_at timestamptz NOT NULL DEFAULT now()",
                "UPDATE write_intents SET alive_at = created_at",
                "DROP INDEX write_intents_created_idx",
                "CREATE INDEX write_intents_alive_idx ON write_intents (alive_at)",
                // Every report of damage has a number; an acknowledged repair removes only the report it read.
                "CREATE SEQUENCE repair_reports",
                "ALTER TABLE repair_queue ADD COLUMN report bigint NOT NULL DEFAULT nextval('repair_reports')",
                // The orphan check of the scrub looks garbage up by data id.
                "CREATE INDEX gc_queue_data_idx ON gc_queue ((layout ->> 'dataId'))",
            ]
        ),
        Migration(
            version: 4,
            name: "completed uploads",
            statements: [
                // What a completion answered, for a day, so that a retry of it gets the same answer.
                """
                CREATE TABLE completed_uploads (
                    upload_id text PRIMARY KEY,
                    bucket text NOT NULL,
                    bucket_id text NOT NULL,
                    key text NOT NULL,
                    etag text NOT NULL,
                    parts_digest text NOT NULL,
                    response jsonb NOT NULL,
                    completed_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX completed_uploads_completed_idx ON completed_uploads (completed_at)",
            ]
        ),
        Migration(
            version: 5,
            name: "outbox",
            statements: [
                // Events written in the transaction of the change they describe, until the relay has them
                // confirmed by the bus (the transactional outbox).
                """
                CREATE TABLE outbox (
                    seq bigserial PRIMARY KEY,
                    event_id uuid NOT NULL DEFAULT gen_random_uuid(),
                    exchange text NOT NULL,
                    routing_key text NOT NULL,
                    payload jsonb NOT NULL,
                    occurred_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 6,
            name: "administration",
            statements: [
                // The portal's API keys: only a hash of the secret is kept.
                """
                CREATE TABLE api_keys (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    secret_hash text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    last_used_at timestamptz
                )
                """,
                // S3 keys can be disabled (InvalidAccessKeyId while they are); users get a creation time.
                "ALTER TABLE access_keys ADD COLUMN enabled boolean NOT NULL DEFAULT true",
                "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()",
                // Disks get the state and mode of the original KSAN; placement skips those that take no new shards.
                """
                ALTER TABLE disks ADD COLUMN state text NOT NULL DEFAULT 'Good'
                    CHECK (state IN ('Good', 'Weak', 'Bad', 'Disabled'))
                """,
                """
                ALTER TABLE disks ADD COLUMN mode text NOT NULL DEFAULT 'ReadWrite'
                    CHECK (mode IN ('ReadWrite', 'ReadOnly', 'Maintenance'))
                """,
            ]
        ),
        Migration(
            version: 7,
            name: "services, disk usage and zones",
            statements: [
                // Every process that sends heartbeats; its state follows from last_heartbeat and stopped_at.
                """
                CREATE TABLE services (
                    id text PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('gateway', 'osd', 'metadata', 'portal', 'worker')),
                    server_id text,
                    endpoint text NOT NULL,
                    version text NOT NULL,
                    started_at timestamptz NOT NULL,
                    last_heartbeat timestamptz NOT NULL,
                    interval_seconds double precision NOT NULL,
                    stopped_at timestamptz
                )
                """,
                // The space of each disk, as its OSD last reported it.
                "ALTER TABLE disks ADD COLUMN capacity_bytes bigint",
                "ALTER TABLE disks ADD COLUMN used_bytes bigint",
                "ALTER TABLE disks ADD COLUMN usage_at timestamptz",
                // Other clusters, by name, for zone-to-zone replication.
                """
                CREATE TABLE zones (
                    name text PRIMARY KEY,
                    endpoint text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]
        ),
        Migration(
            version: 8,
            name: "user tokens",
            statements: [
                // Tokens a user presents (X-Auth-Token) to manage their own S3 keys: only a SHA-256 is kept.
                """
                CREATE TABLE user_tokens (
                    token_hash text PRIMARY KEY,
                    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX user_tokens_expiry_idx ON user_tokens (expires_at)",
                // The tenant an OS-EC2 credential was created for (the NHN guide's tenant_id), echoed back.
                "ALTER TABLE access_keys ADD COLUMN tenant_id text",
            ]
        ),
        Migration(
            version: 9,
            name: "storage classes",
            statements: [
                // x-amz-storage-class names a pool (STANDARD is each bucket's own and has no row); a version or
                // upload of another class records it in its stored headers.
                """
                CREATE TABLE storage_classes (
                    name text PRIMARY KEY,
                    pool_id text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 10,
            name: "service settings",
            statements: [
                // The versions of each kind's live settings (ksanctl config): append-only; the latest applies.
                """
                CREATE TABLE service_settings (
                    kind text NOT NULL CHECK (kind IN ('gateway', 'osd', 'metadata', 'portal', 'worker')),
                    version int NOT NULL CHECK (version > 0),
                    settings jsonb NOT NULL,
                    comment text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (kind, version)
                )
                """
            ]
        ),
        Migration(
            version: 11,
            name: "join tokens",
            statements: [
                // Tokens a new host presents to the portal to join the cluster (ksanctl join): only a SHA-256 of
                // the secret is kept; `hosts` are the hosts that joined with it (a host re-joining uses no use).
                """
                CREATE TABLE join_tokens (
                    id text PRIMARY KEY,
                    secret_hash text NOT NULL,
                    description text NOT NULL DEFAULT '',
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    uses_left int NOT NULL CHECK (uses_left >= 0),
                    hosts text[] NOT NULL DEFAULT '{}'
                )
                """
            ]
        ),
        Migration(
            version: 12,
            name: "racks and failure domains",
            statements: [
                // The rack of a host (NULL: none recorded), and what a pool spreads its stripes over.
                "ALTER TABLE hosts ADD COLUMN rack text",
                """
                ALTER TABLE pools ADD COLUMN failure_domain text NOT NULL DEFAULT 'host'
                    CHECK (failure_domain IN ('host', 'rack'))
                """,
            ]
        ),
        Migration(
            version: 13,
            name: "bucket configurations",
            statements: [
                // One document per bucket and kind (BucketConfigKind), the gateway's model as JSON; gone with the
                // bucket (its id, so that a re-created bucket of the same name starts with none).
                """
                CREATE TABLE bucket_configs (
                    bucket_id text NOT NULL REFERENCES buckets (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    document text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (bucket_id, kind)
                )
                """
            ]
        ),
        Migration(
            version: 14,
            name: "versioning",
            statements: [
                // The order of every version ever written, across gateways: a key's versions list newest first by
                // it, and version ids begin with it (VersionID).
                "CREATE SEQUENCE object_versions_seq",
                """
                ALTER TABLE buckets ADD COLUMN versioning text NOT NULL DEFAULT 'Unversioned'
                    CHECK (versioning IN ('Unversioned', 'Enabled', 'Suspended'))
                """,
                // Existing versions get their numbers in table order (each key has one, `null`, so any order is
                // right); this rewrites the table once.
                "ALTER TABLE objects ADD COLUMN seq bigint NOT NULL DEFAULT nextval('object_versions_seq')",
                "ALTER TABLE objects ADD COLUMN is_delete_marker bool NOT NULL DEFAULT false",
                // ListObjectVersions and the promotion of the next version: a key's versions, newest first.
                "CREATE INDEX objects_versions_idx ON objects (bucket, key, seq DESC)",
                // ListObjects: the current versions that are not delete markers, in key order.
                "CREATE UNIQUE INDEX objects_visible_idx ON objects (bucket, key) WHERE is_latest AND NOT is_delete_marker",
                "ALTER TABLE completed_uploads ADD COLUMN version_id text",
            ]
        ),
        Migration(
            version: 15,
            name: "object lock",
            statements: [
                // Object lock of a bucket (never turned off) and its default retention: a mode and exactly one of
                // days and years. The retention and legal hold of each version are among its headers
                // (ObjectLockHeaders).
                "ALTER TABLE buckets ADD COLUMN object_lock bool NOT NULL DEFAULT false",
                """
                ALTER TABLE buckets ADD COLUMN lock_default_mode text
                    CHECK (lock_default_mode IN ('GOVERNANCE', 'COMPLIANCE'))
                """,
                "ALTER TABLE buckets ADD COLUMN lock_default_days int CHECK (lock_default_days > 0)",
                "ALTER TABLE buckets ADD COLUMN lock_default_years int CHECK (lock_default_years > 0)",
            ]
        ),
        Migration(
            version: 16,
            name: "listing skip-scan functions",
            statements: [
                // The smallest text greater than every text starting with `prefix` (KeyOrder.successor): trailing
                // U+10FFFF dropped, the last character replaced by the next one (U+D7FF by U+E000); NULL when there
                // is none. SQL functions of one expression, so the planner inlines them into index conditions.
                """
                CREATE FUNCTION key_successor(prefix text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT CASE WHEN rtrim(prefix, chr(1114111)) = '' THEN NULL
                        ELSE left(rtrim(prefix, chr(1114111)), -1)
                            || chr(ascii(right(rtrim(prefix, chr(1114111)), 1))
                                   + CASE WHEN ascii(right(rtrim(prefix, chr(1114111)), 1)) = 55295 THEN 2049 ELSE 1 END)
                        END
                $$
                """,
                // The common prefix a key rolls up into (KeyOrder.commonPrefix): the key up to and including the
                // first delimiter after its first `prefix_length` characters, or NULL.
                """
                CREATE FUNCTION listing_common_prefix(key text, prefix_length int, delimiter text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT CASE WHEN strpos(substr(key, prefix_length + 1), delimiter) > 0
                        THEN left(key, prefix_length + strpos(substr(key, prefix_length + 1), delimiter)
                                       + length(delimiter) - 1)
                        END
                $$
                """,
            ]
        ),
        Migration(
            version: 17,
            name: "leases on queued background work",
            statements: [
                // A worker takes garbage and repairs for a while (a lease): others skip them until it acknowledges,
                // releases, or dies and the lease runs out.
                "ALTER TABLE gc_queue ADD COLUMN leased_until timestamptz",
                "ALTER TABLE repair_queue ADD COLUMN leased_until timestamptz",
            ]
        ),
        Migration(
            version: 18,
            name: "the writer of a write intent",
            statements: [
                // The service id and start time of the process writing the data (IntentWriter): its intents are
                // abandoned as soon as its services row shows it restarted or stopped.
                "ALTER TABLE write_intents ADD COLUMN writer text",
                "ALTER TABLE write_intents ADD COLUMN writer_started_at timestamptz",
            ]
        ),
        Migration(
            version: 19,
            name: "host state",
            statements: [
                // Online or Offline: set by the metadata service from the OSD's heartbeats, or held by an operator.
                // Offline hosts get no new shards and are read last.
                """
                ALTER TABLE hosts ADD COLUMN state text NOT NULL DEFAULT 'Online'
                    CHECK (state IN ('Online', 'Offline'))
                """,
                "ALTER TABLE hosts ADD COLUMN state_since timestamptz NOT NULL DEFAULT now()",
                "ALTER TABLE hosts ADD COLUMN state_held boolean NOT NULL DEFAULT false",
            ]
        ),
        Migration(
            version: 20,
            name: "moved shards",
            statements: [
                // When a rebuild or drain last moved a shard of the data to another disk: placement is then the one
                // authority on where its shards are (object rows keep the layout of the write), and reads take it
                // from here. The partial index keeps that lookup free while nothing was ever moved.
                "ALTER TABLE placement ADD COLUMN moved_at timestamptz",
                "CREATE INDEX placement_moved_idx ON placement (data_id) WHERE moved_at IS NOT NULL",
            ]
        ),
        Migration(
            version: 21,
            name: "pool rebalance",
            statements: [
                // Since when an operator asked for the pool's shards to be spread evenly over its disks
                // (`ksanctl pool rebalance`); a worker clears it once they are.
                "ALTER TABLE pools ADD COLUMN rebalance_since timestamptz"
            ]
        ),
        Migration(
            version: 22,
            name: "full disks",
            statements: [
                // Whether the disk's OSD last said it is full (its free space under twice its reserve): placement
                // gives it no new shards until it says otherwise.
                "ALTER TABLE disks ADD COLUMN is_full boolean NOT NULL DEFAULT false"
            ]
        ),
    ]

    /// Applies every migration not yet recorded in `schema_migrations`, in order.
    /// - Returns: The versions applied by this call.
    @discardableResult
    public static func apply(
        _ migrations: [Migration] = Migrations.all, client: PostgresClient, logger: Logger
    ) async throws -> [Int] {
        try await client.withConnection { connection in
            // Rows read: the lock is held once its row arrives, and an error while waiting surfaces here.
            _ = try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger).collect()
            do {
                let applied = try await apply(migrations, on: connection, logger: logger)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger).collect()
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
                throw error
            }
        }
    }

    static func apply(_ migrations: [Migration], on connection: PostgresConnection, logger: Logger) async throws
        -> [Int]
    {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        var done = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
            .decode(Int.self)
        {
            done.insert(version)
        }
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !done.contains(migration.version) {
            logger.info(
                "Applying migration",
                metadata: [
                    "ksan.migration.version": "\(migration.version)", "ksan.migration.name": "\(migration.name)",
                ]
            )
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            applied.append(migration.version)
        }
        return applied
    }
}
