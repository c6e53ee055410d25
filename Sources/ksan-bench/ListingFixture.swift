import ArgumentParser
import Foundation
import KSANMetadata
import PostgresNIO

/// The rows of the listing benchmark, written straight into the metadata database (a million PUTs would take the
/// better part of an hour) and removed again; and PostgreSQL's own scans of them, the baseline of every figure.
///
/// The rows are what the metadata service writes for empty objects (no segments, so they own no data and deleting
/// them frees nothing), in buckets the benchmark created through S3: the gateway lists them as any other object.
struct ListingFixture: Sendable {
    let client: PostgresClient
    let logger = Logger(label: "ksan-bench")

    /// The ETag of an empty object.
    static let emptyETag = "d41d8cd98f00b204e9800998ecf8427e"

    /// The key of object `index` when `perPrefix` keys share each prefix: `dir-0001/object-000042`.
    static func key(_ index: Int, perPrefix: Int) -> String {
        let prefix = String(index / perPrefix)
        let name = String(index % perPrefix)
        return "dir-" + String(repeating: "0", count: max(0, 4 - prefix.count)) + prefix + "/object-"
            + String(repeating: "0", count: max(0, 6 - name.count)) + name
    }

    /// The owner of a bucket.
    func owner(of bucket: String) async throws -> String {
        let rows = try await client.query("SELECT owner_id FROM buckets WHERE name = \(bucket)", logger: logger)
        for try await owner in rows.decode(String.self) { return owner }
        throw ValidationError("the metadata database has no bucket \(bucket)")
    }

    /// `count` current objects (version `null`) in `count / perPrefix` prefixes.
    func fillObjects(bucket: String, count: Int, perPrefix: Int) async throws {
        let owner = try await owner(of: bucket)
        try await client.query(
            """
            INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, content_type,
                                 user_metadata, headers, owner_id, segments)
            SELECT \(bucket),
                   'dir-' || lpad((g / \(perPrefix))::text, 4, '0') || '/object-' || lpad((g % \(perPrefix))::text, 6, '0'),
                   'null', true, 0, \(Self.emptyETag), now(), 'application/octet-stream', '{}', '{}', \(owner), '[]'
            FROM generate_series(0, \(count - 1)) AS g
            """,
            logger: logger)
    }

    /// `versionsPerKey` versions of each of `keys` keys (every tenth key's newest one a delete marker), with ids as
    /// the store makes them: the sequence in base 36, then random characters.
    func fillVersions(bucket: String, keys: Int, versionsPerKey: Int, perPrefix: Int) async throws {
        let owner = try await owner(of: bucket)
        let total = keys * versionsPerKey
        try await client.withConnection { connection in
            var base: Int64 = 0
            let rows = try await connection.query(
                "SELECT setval('object_versions_seq', nextval('object_versions_seq') + \(total)) - \(total)",
                logger: logger)
            for try await value in rows.decode(Int64.self) { base = value }
            var ids: [String] = []
            var keyNames: [String] = []
            var sequences: [Int64] = []
            var latest: [Bool] = []
            var markers: [Bool] = []
            for index in 0..<total {
                let keyIndex = index / versionsPerKey
                let newest = index % versionsPerKey == versionsPerKey - 1
                let sequence = base + Int64(index) + 1
                keyNames.append(Self.key(keyIndex, perPrefix: perPrefix))
                ids.append(VersionID.make(sequence: sequence))
                sequences.append(sequence)
                latest.append(newest)
                markers.append(newest && keyIndex % 10 == 0)
                if keyNames.count == 10_000 || index == total - 1 {
                    try await connection.query(
                        """
                        INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified,
                                             content_type, user_metadata, headers, owner_id, segments, seq,
                                             is_delete_marker)
                        SELECT \(bucket), k, v, l, 0, CASE WHEN m THEN '' ELSE \(Self.emptyETag) END, now(),
                               'application/octet-stream', '{}', '{}', \(owner), '[]', s, m
                        FROM unnest(\(keyNames)::text[], \(ids)::text[], \(latest)::bool[], \(sequences)::int8[],
                                    \(markers)::bool[]) AS t(k, v, l, s, m)
                        """,
                        logger: logger)
                    (ids, keyNames, sequences, latest, markers) = ([], [], [], [], [])
                }
            }
        }
    }

    /// Vacuums and analyzes the table once the rows are written: the walks then read a table in the state
    /// autovacuum keeps it in, not one that autovacuum works through while they run (each run deletes the rows of
    /// the one before, and autovacuum of a million dead rows took minutes here, in the middle of later runs).
    func vacuum() async throws {
        try await client.query("VACUUM (ANALYZE) objects", logger: logger)
    }

    /// Removes the benchmark's rows of a bucket.
    func empty(bucket: String) async throws {
        try await client.query("DELETE FROM objects WHERE bucket = \(bucket)", logger: logger)
    }

    /// PostgreSQL streaming the current objects of a bucket in key order, the columns a listing reads, in one
    /// query: rows per second.
    func scanObjects(bucket: String) async throws -> (rows: Int, seconds: Double) {
        try await timed {
            let rows = try await client.query(
                """
                SELECT key, size, etag, last_modified, owner_id, headers ->> 'x-amz-storage-class' FROM objects
                WHERE bucket = \(bucket) AND is_latest AND NOT is_delete_marker ORDER BY key
                """,
                logger: logger)
            var count = 0
            for try await _ in rows.decode((String, Int64, String, Date, String, String?).self) { count += 1 }
            return count
        }
    }

    /// The same in pages of 1,000 rows, each page starting after the last key of the one before (a listing walk
    /// with nothing between the pages).
    func pageObjects(bucket: String) async throws -> (rows: Int, seconds: Double) {
        try await timed {
            var count = 0
            var after = ""
            while true {
                let rows = try await client.query(
                    """
                    SELECT key, size, etag, last_modified, owner_id, headers ->> 'x-amz-storage-class' FROM objects
                    WHERE bucket = \(bucket) AND is_latest AND NOT is_delete_marker AND key > \(after)
                    ORDER BY key LIMIT 1000
                    """,
                    logger: logger)
                var page = 0
                for try await (key, _, _, _, _, _) in rows.decode((String, Int64, String, Date, String, String?).self) {
                    after = key
                    page += 1
                }
                count += page
                if page < 1000 { return count }
            }
        }
    }

    /// The fixed cost of a query: `count` one-row queries one after another, each through the client's pool as
    /// the metadata service sends them, then as many on one leased connection. Seconds per query.
    func roundTrips(count: Int) async throws -> (pool: Double, connection: Double) {
        let pooled = try await timed {
            for _ in 0..<count {
                for try await _ in try await client.query("SELECT 1", logger: logger).decode(Int.self) {}
            }
            return count
        }
        let leased = try await timed {
            try await client.withConnection { connection in
                for _ in 0..<count {
                    for try await _ in try await connection.query("SELECT 1", logger: logger).decode(Int.self) {}
                }
            }
            return count
        }
        return (pooled.seconds / Double(count), leased.seconds / Double(count))
    }

    /// PostgreSQL streaming every version of a bucket in listing order (key, newest first), in one query.
    func scanVersions(bucket: String) async throws -> (rows: Int, seconds: Double) {
        try await timed {
            let rows = try await client.query(
                """
                SELECT key, version_id, is_latest, is_delete_marker, size, etag, last_modified, owner_id,
                       headers ->> 'x-amz-storage-class', seq
                FROM objects WHERE bucket = \(bucket) ORDER BY key, seq DESC
                """,
                logger: logger)
            var count = 0
            for try await _ in rows.decode(
                (String, String, Bool, Bool, Int64, String, Date, String, String?, Int64).self)
            {
                count += 1
            }
            return count
        }
    }

    /// PostgreSQL finding the first key of each of the first `count` prefixes of a bucket, one index probe each,
    /// inside one statement: what a delimiter page cannot do with less.
    func probePrefixes(bucket: String, count: Int) async throws -> (rows: Int, seconds: Double) {
        try await timed {
            let rows = try await client.query(
                """
                WITH RECURSIVE walk (key, n) AS (
                    (SELECT key, 1 FROM objects WHERE bucket = \(bucket) AND is_latest AND NOT is_delete_marker
                     ORDER BY key LIMIT 1)
                    UNION ALL
                    SELECT next.key, walk.n + 1 FROM walk, LATERAL (
                        SELECT key FROM objects
                        WHERE bucket = \(bucket) AND is_latest AND NOT is_delete_marker
                          AND key >= left(walk.key, strpos(walk.key, '/') - 1) || '0'
                        ORDER BY key LIMIT 1) AS next
                    WHERE walk.n < \(count)
                )
                SELECT key FROM walk
                """,
                logger: logger)
            var found = 0
            for try await _ in rows.decode(String.self) { found += 1 }
            return found
        }
    }

    /// Runs `body` and measures it.
    func timed(_ body: () async throws -> Int) async throws -> (rows: Int, seconds: Double) {
        let started = ContinuousClock.now
        let rows = try await body()
        return (rows, (ContinuousClock.now - started).seconds)
    }
}
