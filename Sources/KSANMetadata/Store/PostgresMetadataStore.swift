import Foundation
import Logging
import PostgresNIO

/// The ``MetadataStore`` of the metadata service, kept in PostgreSQL.
///
/// Every operation is one transaction over a connection of a `PostgresClient`, whose `run()` must be running (it is a
/// `Service`: run it in the application's `ServiceGroup`). Call ``migrate()`` once before serving. Operations that
/// unreference data queue it in `gc_queue` in the same transaction and return it.
///
/// Committed layouts are recorded in `placement` with a reference count, so the same data id committed twice (an
/// object re-put with its own layouts, as a metadata-only copy does) is only garbage once nothing references it.
public final class PostgresMetadataStore: MetadataStore {
    /// The database client.
    public let client: PostgresClient
    let logger: Logger

    /// Creates a store over a client whose `run()` is (or will be) running.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Applies the schema migrations that have not been applied yet (see ``Migrations``).
    /// - Returns: The versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        do {
            return try await Migrations.apply(client: client, logger: logger)
        } catch {
            throw Self.mapDatabaseError(error, logger: logger)
        }
    }

    // MARK: Transactions

    /// How many times a transaction is retried after a serialisation failure, deadlock or lost insert race.
    static let maxAttempts = 6

    /// Runs `body` in a transaction, retrying transient conflicts; commits if it returns, rolls back if it throws.
    func transaction<Result: Sendable>(
        readOnly: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    if readOnly {
                        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                    } else {
                        try await connection.query("BEGIN", logger: logger)
                    }
                    do {
                        let result = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return result
                    } catch {
                        // A session the server ended (a fast shutdown, pg_terminate_backend) or a connection that
                        // broke has no transaction left to roll back, and a query sent on it may never be answered:
                        // the ROLLBACK is for sessions that are still alive.
                        if Self.sessionSurvives(error) { _ = try? await connection.query("ROLLBACK", logger: logger) }
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < Self.maxAttempts && Self.isTransient(error) {
                logger.debug(
                    "Retrying transaction after a conflict",
                    metadata: ["ksan.attempt": "\(attempt)", "db.sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"]
                )
                try await Task.sleep(for: .milliseconds(attempt * 5))
            } catch {
                throw Self.mapDatabaseError(error, logger: logger)
            }
        }
    }

    /// Runs a single-statement read on a pooled connection, outside an explicit transaction (one round trip).
    func read<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.mapDatabaseError(error, logger: logger)
        }
    }

    /// Whether a database error is a conflict that a retry of the whole transaction resolves.
    static func isTransient(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        // serialization_failure, deadlock_detected, unique_violation (a concurrent insert of the same key won)
        return state == "40001" || state == "40P01" || state == "23505"
    }

    /// Maps connection-level database failures to ``MetadataError/Code/unavailable``; other errors pass through.
    ///
    /// A server error counts as unavailability when its SQLSTATE class says the server, not the query, is the
    /// problem: 08 (connection exception), 53 (insufficient resources), 57 (operator intervention: a fast shutdown's
    /// `admin_shutdown`, a crash, `cannot_connect_now` while starting) and 58 (system error). Clients see 503 and
    /// retry, instead of 500.
    static func mapDatabaseError(_ error: any Error, logger: Logger) -> any Error {
        // The pool's own error type lives in an underscored module; recognise it by name rather than import it.
        if String(describing: type(of: error)) == "ConnectionPoolError" {
            logger.warning("Database unavailable", metadata: ["error": "\(error)"])
            return MetadataError(.unavailable, "the metadata database is unavailable")
        }
        guard let error = error as? PSQLError else { return error }
        if error.code == .server, let state = error.serverInfo?[.sqlState], Self.isUnavailability(sqlState: state) {
            logger.warning("Database unavailable", metadata: ["error": "\(describe(error))"])
            return MetadataError(.unavailable, "the metadata database is unavailable")
        }
        if error.code == .server || error.code == .queryCancelled { return error }
        logger.warning("Database unavailable", metadata: ["error": "\(describe(error))"])
        return MetadataError(.unavailable, "the metadata database is unavailable")
    }

    /// Whether the session is still usable after `error`: any failure but a connection-level one or a server error
    /// that ends the session.
    static func sessionSurvives(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return true }
        guard error.code == .server else { return false }
        return !isUnavailability(sqlState: error.serverInfo?[.sqlState] ?? "")
    }

    /// Whether a SQLSTATE names a failure of the server rather than of the query (see ``mapDatabaseError(_:logger:)``).
    static func isUnavailability(sqlState: String) -> Bool {
        ["08", "53", "57", "58"].contains(String(sqlState.prefix(2))) && sqlState != "57014"  // 57014: query_canceled
    }

    /// A description of an error for logs: never the query's bound values (which may hold secrets).
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var parts = ["PSQLError(\(error.code)"]
            if let info = error.serverInfo {
                if let state = info[.sqlState] { parts.append("sqlState: \(state)") }
                if let message = info[.message] { parts.append("message: \(message)") }
                if let constraint = info[.constraintName] { parts.append("constraint: \(constraint)") }
            }
            if let underlying = error.underlying { parts.append("underlying: \(underlying)") }
            return parts.joined(separator: ", ") + ")"
        }
        if let error = error as? PostgresDecodingError {
            return "PostgresDecodingError(\(error.code), column: \(error.columnName), type: \(error.postgresType))"
        }
        return String(describing: error)
    }

    // MARK: Helpers shared by the extensions

    /// What a write in a bucket must know of it, read with ``lockBucket(_:on:)``.
    struct LockedBucket {
        /// The versioning state.
        var versioning: VersioningStatus
        /// Whether object lock is enabled.
        var objectLock: Bool
        /// The default retention of new versions (object lock).
        var defaultRetention: DefaultRetention?
        /// The owner's user id (of the delete markers made in it).
        var ownerId: String
    }

    /// Locks a bucket row against deletion for the rest of the transaction; throws `noSuchBucket` if there is no
    /// bucket of that name with the reference's id.
    /// - Returns: The bucket's versioning and object lock state (a concurrent change of it does not wait for this
    ///   lock).
    @discardableResult
    func lockBucket(_ bucket: BucketRef, on connection: PostgresConnection) async throws -> LockedBucket {
        let rows = try await connection.query(
            """
            SELECT versioning, object_lock, lock_default_mode, lock_default_days, lock_default_years, owner_id
            FROM buckets
            WHERE name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR id = \(bucket.id))
            FOR KEY SHARE
            """,
            logger: logger
        )
        for try await (status, objectLock, mode, days, years, owner) in rows.decode(
            (String, Bool, String?, Int?, Int?, String).self)
        {
            guard let versioning = VersioningStatus(rawValue: status) else {
                throw MetadataError(.internal, "unknown versioning state \(status)")
            }
            return LockedBucket(
                versioning: versioning, objectLock: objectLock,
                defaultRetention: mode.flatMap(ObjectLockMode.init(rawValue:)).map {
                    DefaultRetention(mode: $0, days: days, years: years)
                }, ownerId: owner)
        }
        throw Self.noSuchBucket
    }

    /// Throws `noSuchBucket` unless a bucket of that name with the reference's id exists (no lock: for reads).
    func checkBucket(_ bucket: BucketRef, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            "SELECT 1 FROM buckets WHERE name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR id = \(bucket.id))",
            logger: logger
        )
        guard try await rows.collect().first != nil else { throw Self.noSuchBucket }
    }

    static var noSuchBucket: MetadataError { MetadataError(.noSuchBucket, "The specified bucket does not exist") }

    /// The distinct layouts in order of first appearance, and how often each data id occurs.
    static func referenceCounts(_ layouts: [DataLayout]) -> (unique: [DataLayout], counts: [String: Int]) {
        var counts: [String: Int] = [:]
        var unique: [DataLayout] = []
        for layout in layouts {
            if counts[layout.dataId] == nil { unique.append(layout) }
            counts[layout.dataId, default: 0] += 1
        }
        return (unique, counts)
    }

    /// Records committed layouts: drops their write intents and adds one reference each in `placement`.
    ///
    /// Every layout must have a write intent or already be placed (committed data referenced once more). One with
    /// neither was judged abandoned by garbage collection, which may have deleted its shards: the commit fails with
    /// `dataExpired` rather than make an object point at data that is gone. The intent rows are deleted, and the
    /// placement rows locked, in this transaction, so a concurrent collection either sees the commit or wins first.
    func retain(_ layouts: [DataLayout], on connection: PostgresConnection) async throws {
        guard !layouts.isEmpty else { return }
        let (unique, counts) = Self.referenceCounts(layouts)
        let ids = unique.map(\.dataId)
        let pools = unique.map(\.poolId)
        let json = try unique.map { try MetadataJSON.string($0) }
        let refs = unique.map { counts[$0.dataId] ?? 1 }
        var found = Set<String>()
        let intents = try await connection.query(
            "DELETE FROM write_intents WHERE data_id = ANY(\(ids)) RETURNING data_id", logger: logger)
        for try await id in intents.decode(String.self) { found.insert(id) }
        let unmatched = ids.filter { !found.contains($0) }
        if !unmatched.isEmpty {
            let placed = try await connection.query(
                "SELECT data_id FROM placement WHERE data_id = ANY(\(unmatched)) FOR UPDATE", logger: logger)
            for try await id in placed.decode(String.self) { found.insert(id) }
            if let lost = ids.first(where: { !found.contains($0) }) {
                logger.warning("commit of data without a write intent refused", metadata: ["ksan.data": "\(lost)"])
                throw MetadataError(
                    .dataExpired, "The data was reclaimed by garbage collection before it was committed; write it again"
                )
            }
        }
        try await connection.query(
            """
            INSERT INTO placement (data_id, pool_id, disk_ids, layout, refs, created_at)
            SELECT u.data_id, u.pool_id,
                   ARRAY(SELECT jsonb_array_elements_text(u.layout::jsonb -> 'diskIds')),
                   u.layout::jsonb, u.refs, now()
            FROM unnest(\(ids)::text[], \(pools)::text[], \(json)::text[], \(refs)::int[])
                AS u(data_id, pool_id, layout, refs)
            ON CONFLICT (data_id) DO UPDATE SET refs = placement.refs + EXCLUDED.refs
            """,
            logger: logger
        )
    }

    /// Drops one reference to each layout; those left unreferenced (or never recorded) are removed from `placement`,
    /// queued in `gc_queue` and returned.
    func release(_ layouts: [DataLayout], on connection: PostgresConnection) async throws -> [DataLayout] {
        guard !layouts.isEmpty else { return [] }
        let (unique, counts) = Self.referenceCounts(layouts)
        let ids = unique.map(\.dataId)
        let refs = unique.map { counts[$0.dataId] ?? 1 }
        var remaining: [String: Int] = [:]
        let updated = try await connection.query(
            """
            UPDATE placement SET refs = placement.refs - u.refs
            FROM unnest(\(ids)::text[], \(refs)::int[]) AS u(data_id, refs)
            WHERE placement.data_id = u.data_id
            RETURNING placement.data_id, placement.refs
            """,
            logger: logger
        )
        for try await (id, left) in updated.decode((String, Int).self) {
            remaining[id] = left
        }
        var garbage = unique.filter { (remaining[$0.dataId] ?? 0) <= 0 }
        guard !garbage.isEmpty else { return [] }
        let garbageIds = garbage.map(\.dataId)
        // Placement's layout is the current one: shards moved since the write (rebuild, drain) are deleted where
        // they are now, not where the caller's copy of the layout says they were.
        let deleted = try await connection.query(
            "DELETE FROM placement WHERE data_id = ANY(\(garbageIds)) RETURNING layout::text", logger: logger)
        var current: [String: DataLayout] = [:]
        for try await text in deleted.decode(String.self) {
            let layout = try MetadataJSON.decode(DataLayout.self, from: text)
            current[layout.dataId] = layout
        }
        garbage = garbage.map { current[$0.dataId] ?? $0 }
        let json = try garbage.map { try MetadataJSON.string($0) }
        try await connection.query(
            "INSERT INTO gc_queue (layout) SELECT l::jsonb FROM unnest(\(json)::text[]) AS u(l)",
            logger: logger
        )
        return garbage
    }

    /// Decodes the layouts of a `segments` column.
    static func layouts(ofSegments json: String) throws -> [DataLayout] {
        try MetadataJSON.decode([ObjectSegment].self, from: json).compactMap(\.layout)
    }

    /// Checks a key the database can store: non-empty, without NUL characters.
    static func validate(key: String) throws {
        guard !key.isEmpty else { throw MetadataError(.invalidArgument, "The key must not be empty") }
        guard !key.utf8.contains(0) else { throw MetadataError(.invalidArgument, "The key contains a NUL character") }
    }
}
