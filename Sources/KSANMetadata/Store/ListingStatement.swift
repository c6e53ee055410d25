import PostgresNIO

/// The one SQL statement that lists a page of objects or of versions.
///
/// A page is read in a single statement, so it needs no transaction and costs one round trip:
/// - **bucket check**: the entries are left-joined to the bucket's row, so a bucket that does not exist (or is not the
///   one the caller resolved) answers a count of 0, and an empty listing no entries;
/// - **head**: an index range scan of up to `limit` rows from the start, in listing order;
/// - **walk** (with a delimiter): from the first row of the head that rolls up into a common prefix, a recursive
///   skip-scan with one index probe per entry. After a common prefix `P` the next probe starts at
///   `key_successor(P)`, so the rows under `P` are never read; after a row, at the next row (`key || chr(1)`: keys
///   hold no NUL, so no key lies between), or for versions at the key's next older version first.
///
/// The head's rows after the first common prefix are read by PostgreSQL but never sent. The statement returns at
/// most `limit` entries, in listing order: the arrays are aggregated from an ordered subquery, the way PostgreSQL's
/// documentation gives for ordered aggregates.
struct ListingStatement {
    /// What is listed.
    enum Kind {
        /// The current versions that are not delete markers (ListObjects), in key order.
        case objects
        /// Every version and delete marker (ListObjectVersions), in key order and newest first within a key.
        case versions
    }

    /// Where the page starts.
    enum Start {
        /// At the first key `>= key` (`inclusive`) or `> key`.
        case key(String, inclusive: Bool)
        /// Versions only: after a version of `key` (a key under the prefix), its older versions first, then the keys
        /// after it. The version is found by its id if it still exists, else placed by `sequence` (the one its id
        /// begins with); with neither, every version of the key is listed.
        case afterVersion(key: String, versionId: String?, sequence: Int64?)
    }

    var kind: Kind
    var bucket: BucketRef
    /// Only keys starting with this.
    var prefix: String
    /// The smallest string after every key starting with `prefix`, nil for no upper bound.
    var upper: String?
    /// Roll keys up at this (non-empty) delimiter after the prefix; nil for no delimiter.
    var delimiter: String?
    var start: Start
    /// At most this many entries (rows plus common prefixes).
    var limit: Int

    /// The statement. It answers one row: `count`, 0 when the bucket does not exist, then one array per column of
    /// ``names(_:)`` with an element per entry in listing order (NULL for no entry). A thousand rows cost the
    /// metadata service far more to receive and decode than one row of arrays; arrays hold no NULL, so a storage
    /// class of STANDARD and the common prefix of an entry that is not one are `''`. An entry that is a common
    /// prefix also carries the columns of the first row under it, which the listing ignores.
    var query: PostgresQuery {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        let bucketName = bind(bucket.name)
        let bucketId: String
        if let id = bucket.id {
            bucketId = bind(id)
        } else {
            binds.appendNull()
            bucketId = "$\(binds.count)"
        }
        let limit = bind(self.limit)
        let visible = kind == .objects ? " AND o.is_latest AND NOT o.is_delete_marker" : ""
        let below = upper.map { " AND o.key < \(bind($0))" } ?? ""
        let range = "o.bucket = \(bucketName)\(visible)\(below)"
        let order = kind == .objects ? "o.key" : "o.key, o.seq DESC"
        let common =
            delimiter.map {
                "listing_common_prefix(o.key, \(bind(prefix.unicodeScalars.count))::int, \(bind($0)))"
            } ?? "NULL::text"
        let columns = Self.columns(kind).map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ")
        let select = "SELECT \(columns), \(common) AS common FROM objects o"

        var head: String
        switch start {
        case .key(let key, let inclusive):
            head =
                "\(select) WHERE \(range) AND o.key \(inclusive ? ">=" : ">") \(bind(key)) ORDER BY \(order) LIMIT \(limit)"
        case .afterVersion(let key, let versionId, let sequence):
            let key = bind(key)
            let found =
                versionId.map {
                    "(SELECT m.seq FROM objects m WHERE m.bucket = \(bucketName) AND m.key = \(key) AND m.version_id = \(bind($0))), "
                } ?? ""
            let placed = sequence.map { "\(bind($0)), " } ?? ""
            head = """
                (\(select) WHERE o.bucket = \(bucketName) AND o.key = \(key)
                    AND o.seq < coalesce(\(found)\(placed)\(Int64.max)) ORDER BY o.seq DESC LIMIT \(limit))
                UNION ALL
                (\(select) WHERE \(range) AND o.key > \(key) ORDER BY \(order) LIMIT \(limit))
                ORDER BY key, seq DESC LIMIT \(limit)
                """
        }
        // Entries are numbered for the walk, and put back in order after it; a page without a delimiter is the
        // scan's rows in the scan's order, which an aggregate over that subquery keeps.
        let number = delimiter == nil ? "1::bigint" : "row_number() OVER ()"
        var sql = "WITH RECURSIVE head AS (SELECT \(number) AS n, s.* FROM (\(head)) s)"
        let entries: String
        if delimiter != nil {
            let skip = "CASE WHEN walk.common IS NULL THEN walk.key || chr(1) ELSE key_successor(walk.common) END"
            let next =
                switch kind {
                case .objects:
                    "\(select) WHERE \(range) AND o.key >= \(skip) ORDER BY \(order) LIMIT 1"
                case .versions:
                    """
                    (\(select) WHERE walk.common IS NULL AND o.bucket = \(bucketName) AND o.key = walk.key
                        AND o.seq < walk.seq ORDER BY o.seq DESC LIMIT 1)
                    UNION ALL
                    (\(select) WHERE \(range) AND o.key >= \(skip) ORDER BY \(order) LIMIT 1)
                    LIMIT 1
                    """
                }
            sql += """
                , stop AS (SELECT min(n) AS n FROM head WHERE common IS NOT NULL),
                walk AS (
                    SELECT head.* FROM head JOIN stop ON head.n = stop.n
                    UNION ALL
                    SELECT walk.n + 1, next.* FROM walk CROSS JOIN LATERAL (\(next)) next WHERE walk.n < \(limit))
                """
            entries = """
                SELECT * FROM (
                    SELECT * FROM head WHERE n < coalesce((SELECT n FROM stop), \(limit) + 1)
                    UNION ALL SELECT * FROM walk) x
                ORDER BY n
                """
        } else {
            entries = "SELECT * FROM head"
        }
        let arrays = Self.names(kind).map {
            "array_agg(\($0 == "common" ? "coalesce(e.common, '')" : "e.\($0)")) FILTER (WHERE e.n IS NOT NULL)"
        }
        sql += """

            SELECT count(*), \(arrays.joined(separator: ", "))
            FROM buckets b LEFT JOIN LATERAL (\(entries)) e ON true
            WHERE b.name = \(bucketName) AND (\(bucketId)::text IS NULL OR b.id = \(bucketId))
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The columns of an entry: the name the listing decodes it by, and what it is.
    static func columns(_ kind: Kind) -> [(name: String, expression: String)] {
        let storageClass = ("storage_class", "coalesce(o.headers ->> 'x-amz-storage-class', '')")
        switch kind {
        case .objects:
            return [
                ("key", "o.key"), ("size", "o.size"), ("etag", "o.etag"), ("last_modified", "o.last_modified"),
                ("owner_id", "o.owner_id"), storageClass,
            ]
        case .versions:
            return [
                ("key", "o.key"), ("version_id", "o.version_id"), ("is_latest", "o.is_latest"),
                ("is_delete_marker", "o.is_delete_marker"), ("size", "o.size"), ("etag", "o.etag"),
                ("last_modified", "o.last_modified"), ("owner_id", "o.owner_id"), storageClass, ("seq", "o.seq"),
            ]
        }
    }

    /// The arrays of the answer, in order: the entry columns of the kind, then `common`.
    static func names(_ kind: Kind) -> [String] {
        columns(kind).map(\.name) + ["common"]
    }
}
