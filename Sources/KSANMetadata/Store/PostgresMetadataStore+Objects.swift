import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    public func object(bucket: BucketRef, key: String) async throws -> ObjectVersion? {
        try await read { connection in
            // One statement: the bucket row (checked by id) and, if there is one, the object.
            let rows = try await connection.query(
                """
                SELECT o.bucket, o.key, o.version_id, o.size, o.etag, o.last_modified, o.content_type,
                       o.user_metadata::text, o.headers::text, o.owner_id, o.segments::text, o.part_count
                FROM buckets b LEFT JOIN objects o ON o.bucket = b.name AND o.key = \(key) AND o.is_latest
                WHERE b.name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR b.id = \(bucket.id))
                """,
                logger: logger
            )
            var bucketFound = false
            for try await row in rows {
                bucketFound = true
                if try row.makeRandomAccess()[0].decode(String?.self) != nil { return try Self.version(from: row) }
            }
            guard bucketFound else { throw Self.noSuchBucket }
            return nil
        }
    }

    public func putObject(_ version: ObjectVersion, in bucket: BucketRef, condition: WriteCondition) async throws
        -> [DataLayout]
    {
        try Self.validate(key: version.key)
        try version.validate()
        guard version.bucket == bucket.name else {
            throw MetadataError(.invalidArgument, "The version belongs to another bucket")
        }
        return try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            return try await commit(version, condition: condition, on: connection).displaced
        }
    }

    public func deleteObject(bucket: BucketRef, key: String) async throws -> [DataLayout] {
        try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            try await lockKey(bucket: bucket.name, key: key, on: connection)
            let rows = try await connection.query(
                """
                DELETE FROM objects WHERE bucket = \(bucket.name) AND key = \(key) AND is_latest
                RETURNING segments::text
                """,
                logger: logger
            )
            var layouts: [DataLayout] = []
            var removed = false
            for try await json in rows.decode(String.self) {
                layouts += try Self.layouts(ofSegments: json)
                removed = true
            }
            if removed {
                try await recordEvent(
                    ObjectEvent(eventName: "ObjectRemoved:Delete", bucket: bucket.name, key: key, versionId: "null"),
                    routingKey: ObjectEvent.removed, on: connection)
            }
            return try await release(layouts, on: connection)
        }
    }

    public func setObjectTagging(bucket: BucketRef, key: String, tagging: String?) async throws {
        try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            try await lockKey(bucket: bucket.name, key: key, on: connection)
            let rows = try await connection.query(
                """
                UPDATE objects
                SET headers = CASE WHEN \(tagging)::text IS NULL THEN headers - 'x-amz-tagging'
                                   ELSE jsonb_set(headers, '{x-amz-tagging}', to_jsonb(\(tagging)::text)) END
                WHERE bucket = \(bucket.name) AND key = \(key) AND is_latest
                RETURNING version_id
                """,
                logger: logger)
            var versionId: String?
            for try await id in rows.decode(String.self) { versionId = id }
            guard let versionId else { throw MetadataError(.noSuchKey, "The specified key does not exist.") }
            try await recordEvent(
                ObjectEvent(
                    eventName: tagging == nil ? "ObjectTagging:Delete" : "ObjectTagging:Put", bucket: bucket.name,
                    key: key, versionId: versionId),
                routingKey: ObjectEvent.tagging, on: connection)
        }
    }

    /// Makes `version` the current version of its key: removes the previous one, records the new layouts and
    /// releases the displaced ones. The caller holds the bucket lock.
    /// - Returns: The displaced data, and the modification time as stored (at the database's precision).
    func commit(
        _ version: ObjectVersion, condition: WriteCondition, eventName: String = "ObjectCreated:Put",
        on connection: PostgresConnection
    ) async throws -> (displaced: [DataLayout], lastModified: Date) {
        try await lockKey(bucket: version.bucket, key: version.key, on: connection)
        if !condition.isEmpty {
            let current = try await connection.query(
                "SELECT etag FROM objects WHERE bucket = \(version.bucket) AND key = \(version.key) AND is_latest",
                logger: logger
            )
            var etag: String?
            for try await value in current.decode(String.self) { etag = value }
            try condition.check(currentETag: etag)
        }
        let displacedRows = try await connection.query(
            """
            DELETE FROM objects WHERE bucket = \(version.bucket) AND key = \(version.key) AND is_latest
            RETURNING segments::text
            """,
            logger: logger
        )
        var displaced: [DataLayout] = []
        for try await json in displacedRows.decode(String.self) {
            displaced += try Self.layouts(ofSegments: json)
        }
        let userMetadata = try MetadataJSON.string(version.userMetadata)
        let headers = try MetadataJSON.string(version.headers)
        let segments = try MetadataJSON.string(version.segments)
        let inserted = try await connection.query(
            """
            INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, content_type,
                                 user_metadata, headers, owner_id, segments, part_count)
            VALUES (\(version.bucket), \(version.key), \(version.versionId), true, \(version.size), \(version.etag),
                    \(version.lastModified), \(version.contentType), \(userMetadata)::jsonb, \(headers)::jsonb,
                    \(version.ownerId), \(segments)::jsonb, \(version.partCount))
            RETURNING last_modified
            """,
            logger: logger
        )
        var lastModified = version.lastModified
        for try await stored in inserted.decode(Date.self) { lastModified = stored }
        try await retain(version.layouts, on: connection)
        try await recordEvent(
            ObjectEvent(
                eventName: eventName, bucket: version.bucket, key: version.key, versionId: version.versionId,
                size: version.size, etag: version.etag),
            routingKey: ObjectEvent.created, on: connection)
        return (try await release(displaced, on: connection), lastModified)
    }

    /// Serialises writers of one key for the rest of the transaction (a transaction-level advisory lock on a hash of
    /// the bucket and key), so that each sees the version the previous one committed instead of racing its insert.
    ///
    /// The row is read: `query` returns once the row description arrives, before the lock is granted, and an error
    /// while waiting for it (the session terminated by the server) would otherwise go to a stream nobody reads, while
    /// the next statement queued behind it waited for good.
    func lockKey(bucket: String, key: String, on connection: PostgresConnection) async throws {
        _ = try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(bucket) || '/' || \(key), 0))",
            logger: logger
        ).collect()
    }

    static func version(from row: PostgresRow) throws -> ObjectVersion {
        let (
            bucket, key, versionId, size, etag, lastModified, contentType, userMetadata, headers, owner, segments,
            partCount
        ) = try row.decode(
            (String, String, String, Int64, String, Date, String, String, String, String, String, Int?).self
        )
        return ObjectVersion(
            bucket: bucket, key: key, versionId: versionId, size: size, etag: etag, lastModified: lastModified,
            contentType: contentType,
            userMetadata: try MetadataJSON.decode([String: String].self, from: userMetadata),
            headers: try MetadataJSON.decode([String: String].self, from: headers), ownerId: owner,
            segments: try MetadataJSON.decode([ObjectSegment].self, from: segments), partCount: partCount
        )
    }

    // MARK: Listing

    /// Where an object listing batch starts.
    enum ObjectCursor {
        /// At the first key `>=` this.
        case atLeast(String)
        /// At the first key `>` this.
        case after(String)
    }

    public func listObjects(bucket ref: BucketRef, query: ListObjectsQuery) async throws -> ListObjectsResult {
        let bucket = ref.name
        let maxKeys = min(max(query.maxKeys, 0), 1000)
        let prefix = query.prefix
        let upper = KeyOrder.successor(of: prefix)
        let startAfter = query.startAfter.flatMap { $0.isEmpty ? nil : $0 }
        return try await transaction(readOnly: true) { connection in
            try await checkBucket(ref, on: connection)
            let listing = DelimitedListing<ObjectSummary, ObjectCursor>(
                prefix: prefix, delimiter: query.delimiter, maxEntries: maxKeys, key: \.key,
                after: { .after($0.key) }, atLeast: { .atLeast($0) },
                fetch: { cursor, limit in
                    try await self.fetchObjects(
                        bucket: bucket, prefix: prefix, upper: upper, cursor: cursor, limit: limit, on: connection
                    )
                }
            )
            let (entries, isTruncated) = try await listing.run(
                markerKey: startAfter, start: startAfter.map { .after($0) }
            )
            var objects: [ObjectSummary] = []
            var prefixes: [String] = []
            var last: String?
            for entry in entries {
                switch entry {
                case .row(let object):
                    objects.append(object)
                    last = object.key
                case .commonPrefix(let common):
                    prefixes.append(common)
                    last = common
                }
            }
            return ListObjectsResult(
                objects: objects, commonPrefixes: prefixes, isTruncated: isTruncated, nextMarker: last
            )
        }
    }

    /// One batch of a listing: keys in `[prefix, upper)` from the cursor, in byte order.
    func fetchObjects(
        bucket: String, prefix: String, upper: String?, cursor: ObjectCursor?, limit: Int,
        on connection: PostgresConnection
    ) async throws -> [ObjectSummary] {
        // The lower bound is the greater of the prefix (inclusive) and the cursor.
        var lower = prefix
        var inclusive = true
        switch cursor {
        case .atLeast(let key) where !KeyOrder.precedes(key, prefix):
            lower = key
        case .after(let key) where !KeyOrder.precedes(key, prefix):
            lower = key
            inclusive = false
        default:
            break
        }
        let comparison = inclusive ? ">=" : ">"
        let rows: PostgresRowSequence
        if let upper {
            rows = try await connection.query(
                """
                SELECT key, size, etag, last_modified, owner_id, headers ->> 'x-amz-storage-class' FROM objects
                WHERE bucket = \(bucket) AND is_latest AND key \(unescaped: comparison) \(lower) AND key < \(upper)
                ORDER BY key LIMIT \(limit)
                """,
                logger: logger
            )
        } else {
            rows = try await connection.query(
                """
                SELECT key, size, etag, last_modified, owner_id, headers ->> 'x-amz-storage-class' FROM objects
                WHERE bucket = \(bucket) AND is_latest AND key \(unescaped: comparison) \(lower)
                ORDER BY key LIMIT \(limit)
                """,
                logger: logger
            )
        }
        var result: [ObjectSummary] = []
        for try await (key, size, etag, lastModified, owner, storageClass) in rows.decode(
            (String, Int64, String, Date, String, String?).self)
        {
            result.append(
                ObjectSummary(
                    key: key, size: size, etag: etag, lastModified: lastModified, ownerId: owner,
                    storageClass: storageClass))
        }
        return result
    }
}
