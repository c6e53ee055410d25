import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    public func object(bucket: BucketRef, key: String, versionId: String?) async throws -> ObjectVersion? {
        try await read { connection in
            // One statement: the bucket row (checked by id) and, if there is one, the version.
            let columns = """
                o.bucket, o.key, o.version_id, o.size, o.etag, o.last_modified, o.content_type,
                o.user_metadata::text, o.headers::text, o.owner_id, o.segments::text, o.part_count, o.is_delete_marker,
                (SELECT json_agg(p.layout)::text FROM placement p
                 WHERE p.moved_at IS NOT NULL
                   AND p.data_id = ANY(ARRAY(SELECT s -> 'layout' ->> 'dataId' FROM jsonb_array_elements(o.segments) s)))
                """
            let rows: PostgresRowSequence
            if let versionId {
                rows = try await connection.query(
                    """
                    SELECT \(unescaped: columns)
                    FROM buckets b LEFT JOIN objects o ON o.bucket = b.name AND o.key = \(key)
                        AND o.version_id = \(versionId)
                    WHERE b.name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR b.id = \(bucket.id))
                    """,
                    logger: logger
                )
            } else {
                rows = try await connection.query(
                    """
                    SELECT \(unescaped: columns)
                    FROM buckets b LEFT JOIN objects o ON o.bucket = b.name AND o.key = \(key) AND o.is_latest
                    WHERE b.name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR b.id = \(bucket.id))
                    """,
                    logger: logger
                )
            }
            var bucketFound = false
            for try await row in rows {
                bucketFound = true
                let columns = row.makeRandomAccess()
                guard try columns[0].decode(String?.self) != nil else { continue }
                var version = try Self.version(from: row)
                // Shards moved since the write (rebuild, drain): placement says where they are now.
                if let moved = try columns[13].decode(String?.self) {
                    let layouts = try MetadataJSON.decode([DataLayout].self, from: moved)
                    version.segments = Self.overlay(version.segments, with: layouts)
                }
                return version
            }
            guard bucketFound else { throw Self.noSuchBucket }
            return nil
        }
    }

    public func commitObject(_ version: ObjectVersion, in bucket: BucketRef, condition: WriteCondition) async throws
        -> CommittedVersion
    {
        try Self.validate(key: version.key)
        try version.validate()
        guard version.bucket == bucket.name else {
            throw MetadataError(.invalidArgument, "The version belongs to another bucket")
        }
        guard !version.isDeleteMarker else {
            throw MetadataError(.invalidArgument, "A delete marker is made by a delete, not put")
        }
        return try await transaction { connection in
            let locked = try await lockBucket(bucket, on: connection)
            let committed = try await commit(version, in: locked, condition: condition, on: connection)
            return CommittedVersion(versionId: committed.versionId, displaced: committed.displaced)
        }
    }

    public func deleteObject(bucket: BucketRef, key: String, versionId: String?, bypassGovernance: Bool)
        async throws -> DeletedVersion
    {
        try await transaction { connection in
            let locked = try await lockBucket(bucket, on: connection)
            try await lockKey(bucket: bucket.name, key: key, on: connection)
            if let versionId {
                return try await deleteVersion(
                    bucket: bucket.name, key: key, versionId: versionId, in: locked,
                    bypassGovernance: bypassGovernance, on: connection)
            }
            guard locked.versioning != .unversioned else {
                // The one version, `null`, goes.
                var deleted = try await deleteVersion(
                    bucket: bucket.name, key: key, versionId: VersionID.null, in: locked,
                    bypassGovernance: bypassGovernance, on: connection)
                deleted.versionId = nil
                return deleted
            }
            // Versioned: a delete marker becomes the current version (with a new id, or as the `null` version),
            // owned as the bucket's objects are.
            let marker = ObjectVersion(
                bucket: bucket.name, key: key, size: 0, etag: "", lastModified: Date(), contentType: "",
                userMetadata: [:], headers: [:], ownerId: locked.ownerId, segments: [], isDeleteMarker: true)
            let committed = try await commit(
                marker, in: locked, condition: WriteCondition(),
                eventName: "ObjectRemoved:DeleteMarkerCreated", on: connection)
            return DeletedVersion(versionId: committed.versionId, isDeleteMarker: true, garbage: committed.displaced)
        }
    }

    /// Removes one version for good, and makes the key's newest remaining version current if it was. The caller
    /// holds the bucket and key locks. A version that does not exist is no error (S3 answers such a delete with
    /// success); one that object lock protects is `accessDenied` (only a bucket with object lock has such versions:
    /// ``applyLock(to:in:on:)`` refuses lock headers elsewhere, and object lock is never turned off).
    func deleteVersion(
        bucket: String, key: String, versionId: String, in locked: LockedBucket, bypassGovernance: Bool,
        on connection: PostgresConnection
    ) async throws -> DeletedVersion {
        if locked.objectLock {
            try await checkLock(
                bucket: bucket, key: key, versionId: versionId, bypassGovernance: bypassGovernance, on: connection)
        }
        let rows = try await connection.query(
            """
            DELETE FROM objects WHERE bucket = \(bucket) AND key = \(key) AND version_id = \(versionId)
            RETURNING is_latest, is_delete_marker, segments::text
            """,
            logger: logger
        )
        var removed: (isLatest: Bool, isDeleteMarker: Bool, segments: String)?
        for try await row in rows.decode((Bool, Bool, String).self) { removed = row }
        guard let removed else { return DeletedVersion(versionId: versionId, isDeleteMarker: false, garbage: []) }
        if removed.isLatest {
            try await connection.query(
                """
                UPDATE objects SET is_latest = true
                WHERE bucket = \(bucket) AND key = \(key) AND seq = (
                    SELECT seq FROM objects WHERE bucket = \(bucket) AND key = \(key) ORDER BY seq DESC LIMIT 1)
                """,
                logger: logger)
        }
        try await recordEvent(
            ObjectEvent(eventName: "ObjectRemoved:Delete", bucket: bucket, key: key, versionId: versionId),
            routingKey: ObjectEvent.removed, on: connection)
        let garbage = try await release(try Self.layouts(ofSegments: removed.segments), on: connection)
        return DeletedVersion(versionId: versionId, isDeleteMarker: removed.isDeleteMarker, garbage: garbage)
    }

    public func setObjectTagging(bucket: BucketRef, key: String, versionId: String?, tagging: String?) async throws
        -> String
    {
        try await transaction { connection in
            let updated = try await targetVersion(
                bucket, key: key, versionId: versionId, needsObjectLock: false, on: connection)
            try await connection.query(
                """
                UPDATE objects
                SET headers = CASE WHEN \(tagging)::text IS NULL THEN headers - 'x-amz-tagging'
                                   ELSE jsonb_set(headers, '{x-amz-tagging}', to_jsonb(\(tagging)::text)) END
                WHERE bucket = \(bucket.name) AND key = \(key) AND version_id = \(updated)
                """,
                logger: logger)
            try await recordEvent(
                ObjectEvent(
                    eventName: tagging == nil ? "ObjectTagging:Delete" : "ObjectTagging:Put", bucket: bucket.name,
                    key: key, versionId: updated),
                routingKey: ObjectEvent.tagging, on: connection)
            return updated
        }
    }

    /// Makes `version` (or a delete marker) the current version of its key as `versioning` says: on a bucket
    /// with versioning enabled it is added with a new id and the previous current version stays as a noncurrent
    /// one; otherwise it is the `null` version and replaces the key's `null` version, wherever that is in the
    /// key's history. Records the new layouts and releases the displaced ones. The caller holds the bucket lock.
    /// - Returns: The version id given, the displaced data, and the modification time as stored (at the database's
    ///   precision).
    func commit(
        _ version: ObjectVersion, in bucket: LockedBucket, condition: WriteCondition,
        eventName: String = "ObjectCreated:Put", on connection: PostgresConnection
    ) async throws -> (versionId: String, displaced: [DataLayout], lastModified: Date) {
        let versioning = bucket.versioning
        var version = version
        try await applyLock(to: &version, in: bucket, on: connection)
        try await lockKey(bucket: version.bucket, key: version.key, on: connection)
        if !condition.isEmpty {
            let current = try await connection.query(
                """
                SELECT etag FROM objects
                WHERE bucket = \(version.bucket) AND key = \(version.key) AND is_latest AND NOT is_delete_marker
                """,
                logger: logger
            )
            var etag: String?
            for try await value in current.decode(String.self) { etag = value }
            try condition.check(currentETag: etag)
        }
        var displaced: [DataLayout] = []
        if !versioning.makesVersions {
            let displacedRows = try await connection.query(
                """
                DELETE FROM objects
                WHERE bucket = \(version.bucket) AND key = \(version.key) AND version_id = \(VersionID.null)
                RETURNING segments::text
                """,
                logger: logger
            )
            for try await json in displacedRows.decode(String.self) {
                displaced += try Self.layouts(ofSegments: json)
            }
        }
        var sequence: Int64?
        if versioning != .unversioned {
            // Versions made while versioned stay, noncurrent (a bucket never versioned has only its `null` ones).
            try await connection.query(
                """
                UPDATE objects SET is_latest = false
                WHERE bucket = \(version.bucket) AND key = \(version.key) AND is_latest
                """,
                logger: logger)
            if versioning.makesVersions {
                let next = try await connection.query("SELECT nextval('object_versions_seq')", logger: logger)
                for try await value in next.decode(Int64.self) { sequence = value }
            }
        }
        let versionId = sequence.map { VersionID.make(sequence: $0) } ?? VersionID.null
        let userMetadata = try MetadataJSON.string(version.userMetadata)
        let headers = try MetadataJSON.string(version.headers)
        let segments = try MetadataJSON.string(version.segments)
        let inserted = try await connection.query(
            """
            INSERT INTO objects (bucket, key, version_id, is_latest, size, etag, last_modified, content_type,
                                 user_metadata, headers, owner_id, segments, part_count, is_delete_marker, seq)
            VALUES (\(version.bucket), \(version.key), \(versionId), true, \(version.size), \(version.etag),
                    \(version.lastModified), \(version.contentType), \(userMetadata)::jsonb, \(headers)::jsonb,
                    \(version.ownerId), \(segments)::jsonb, \(version.partCount), \(version.isDeleteMarker),
                    COALESCE(\(sequence), nextval('object_versions_seq')))
            RETURNING last_modified
            """,
            logger: logger
        )
        var lastModified = version.lastModified
        for try await stored in inserted.decode(Date.self) { lastModified = stored }
        try await retain(version.layouts, on: connection)
        try await recordEvent(
            ObjectEvent(
                eventName: eventName, bucket: version.bucket, key: version.key, versionId: versionId,
                size: version.isDeleteMarker ? nil : version.size, etag: version.isDeleteMarker ? nil : version.etag),
            routingKey: version.isDeleteMarker ? ObjectEvent.removed : ObjectEvent.created, on: connection)
        return (versionId, try await release(displaced, on: connection), lastModified)
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

    /// `segments` with the layouts of moved data replaced by their current ones (by data id).
    static func overlay(_ segments: [ObjectSegment], with layouts: [DataLayout]) -> [ObjectSegment] {
        let current = Dictionary(layouts.map { ($0.dataId, $0) }, uniquingKeysWith: { $1 })
        return segments.map { segment in
            var segment = segment
            if let dataId = segment.layout?.dataId, let layout = current[dataId] { segment.layout = layout }
            return segment
        }
    }

    static func version(from row: PostgresRow) throws -> ObjectVersion {
        let (
            bucket, key, versionId, size, etag, lastModified, contentType, userMetadata, headers, owner, segments,
            partCount, isDeleteMarker
        ) = try row.decode(
            (String, String, String, Int64, String, Date, String, String, String, String, String, Int?, Bool).self
        )
        return ObjectVersion(
            bucket: bucket, key: key, versionId: versionId, size: size, etag: etag, lastModified: lastModified,
            contentType: contentType,
            userMetadata: try MetadataJSON.decode([String: String].self, from: userMetadata),
            headers: try MetadataJSON.decode([String: String].self, from: headers), ownerId: owner,
            segments: try MetadataJSON.decode([ObjectSegment].self, from: segments), partCount: partCount,
            isDeleteMarker: isDeleteMarker
        )
    }
}
