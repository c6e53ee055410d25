import Foundation
import PostgresNIO

/// Object lock: a bucket's configuration, the retention and legal hold of versions (kept among their headers,
/// ``ObjectLockHeaders``), and their enforcement on deletes and retention changes, always by the database's clock.
extension PostgresMetadataStore {
    public func setObjectLockConfiguration(_ bucket: BucketRef, defaultRetention: DefaultRetention?) async throws {
        if let retention = defaultRetention {
            guard (retention.days == nil) != (retention.years == nil), (retention.days ?? retention.years ?? 0) > 0
            else { throw MetadataError(.invalidArgument, "Default retention period must be a positive integer value") }
        }
        try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT versioning, object_lock FROM buckets
                WHERE name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR id = \(bucket.id))
                FOR UPDATE
                """,
                logger: logger)
            var found: (versioning: String, objectLock: Bool)?
            for try await row in rows.decode((String, Bool).self) { found = row }
            guard let found else { throw Self.noSuchBucket }
            guard found.objectLock || found.versioning == VersioningStatus.enabled.rawValue else {
                throw MetadataError(
                    .invalidBucketState,
                    "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
            }
            try await connection.query(
                """
                UPDATE buckets SET object_lock = true, lock_default_mode = \(defaultRetention?.mode.rawValue),
                    lock_default_days = \(defaultRetention?.days), lock_default_years = \(defaultRetention?.years)
                WHERE name = \(bucket.name)
                """,
                logger: logger)
            try await recordEvent(
                ObjectEvent(eventName: "BucketConfigChanged", bucket: bucket.name, key: "objectLock"),
                routingKey: ObjectEvent.bucketConfigChanged, on: connection)
        }
    }

    public func setObjectRetention(
        bucket: BucketRef, key: String, versionId: String?, mode: ObjectLockMode?, retainUntil: Date?,
        bypassGovernance: Bool
    ) async throws -> String {
        try await transaction { connection in
            let target = try await targetVersion(
                bucket, key: key, versionId: versionId, needsObjectLock: true, on: connection)
            // What the version has now, and whether it still applies.
            let current = try await connection.query(
                """
                SELECT headers ->> \(ObjectLockHeaders.mode),
                       (headers ->> \(ObjectLockHeaders.retainUntil))::timestamptz,
                       (headers ->> \(ObjectLockHeaders.retainUntil))::timestamptz > now()
                FROM objects WHERE bucket = \(bucket.name) AND key = \(key) AND version_id = \(target)
                """,
                logger: logger)
            for try await (currentMode, currentUntil, active) in current.decode((String?, Date?, Bool?).self) {
                guard let currentMode, let currentUntil, active == true else { break }
                // Under retention: it may only grow (a later date, or GOVERNANCE to COMPLIANCE) unless governance
                // is bypassed; COMPLIANCE may never shrink.
                let weakens =
                    retainUntil.map { $0 < currentUntil } ?? true
                    || (currentMode == ObjectLockMode.compliance.rawValue && mode != .compliance)
                if weakens && (currentMode == ObjectLockMode.compliance.rawValue || !bypassGovernance) {
                    throw MetadataError(.accessDenied, "Access Denied because object protected by object lock.")
                }
            }
            let modeText = mode?.rawValue
            let until = retainUntil.map(ObjectLockHeaders.format)
            try await connection.query(
                """
                UPDATE objects SET headers = CASE WHEN \(modeText)::text IS NULL
                    THEN headers - \(ObjectLockHeaders.mode) - \(ObjectLockHeaders.retainUntil)
                    ELSE headers || jsonb_build_object(\(ObjectLockHeaders.mode), \(modeText)::text,
                                                       \(ObjectLockHeaders.retainUntil), \(until)::text) END
                WHERE bucket = \(bucket.name) AND key = \(key) AND version_id = \(target)
                """,
                logger: logger)
            try await recordEvent(
                ObjectEvent(eventName: "ObjectRetention:Put", bucket: bucket.name, key: key, versionId: target),
                routingKey: ObjectEvent.lock, on: connection)
            return target
        }
    }

    public func setObjectLegalHold(bucket: BucketRef, key: String, versionId: String?, on: Bool) async throws
        -> String
    {
        try await transaction { connection in
            let target = try await targetVersion(
                bucket, key: key, versionId: versionId, needsObjectLock: true, on: connection)
            try await connection.query(
                """
                UPDATE objects SET headers = jsonb_set(headers, ARRAY[\(ObjectLockHeaders.legalHold)::text],
                                                       to_jsonb(\(on ? "ON" : "OFF")::text))
                WHERE bucket = \(bucket.name) AND key = \(key) AND version_id = \(target)
                """,
                logger: logger)
            try await recordEvent(
                ObjectEvent(eventName: "ObjectLegalHold:Put", bucket: bucket.name, key: key, versionId: target),
                routingKey: ObjectEvent.lock, on: connection)
            return target
        }
    }

    /// The id of the version a tagging or object lock call names (the current one without an id), with the bucket
    /// and key locked for the rest of the transaction: `noSuchKey` or `noSuchVersion` when there is none,
    /// `methodNotAllowed` for a delete marker named by id (a current one is `noSuchKey`), `invalidRequest` when
    /// `needsObjectLock` and the bucket has none.
    func targetVersion(
        _ bucket: BucketRef, key: String, versionId: String?, needsObjectLock: Bool,
        on connection: PostgresConnection
    ) async throws -> String {
        let locked = try await lockBucket(bucket, on: connection)
        guard locked.objectLock || !needsObjectLock else { throw Self.noObjectLock }
        try await lockKey(bucket: bucket.name, key: key, on: connection)
        let rows = try await connection.query(
            """
            SELECT version_id, is_delete_marker FROM objects
            WHERE bucket = \(bucket.name) AND key = \(key)
              AND CASE WHEN \(versionId)::text IS NULL THEN is_latest ELSE version_id = \(versionId) END
            """,
            logger: logger)
        for try await (id, isDeleteMarker) in rows.decode((String, Bool).self) {
            guard !isDeleteMarker else {
                if versionId == nil { throw MetadataError(.noSuchKey, "The specified key does not exist.") }
                throw MetadataError(.methodNotAllowed, "The operation does not apply to a delete marker.")
            }
            return id
        }
        if versionId != nil { throw MetadataError(.noSuchVersion, "The specified version does not exist.") }
        throw MetadataError(.noSuchKey, "The specified key does not exist.")
    }

    /// `accessDenied` when the version is under a legal hold, or under retention that is COMPLIANCE or GOVERNANCE
    /// not bypassed, by the database's clock. The caller holds the key lock.
    func checkLock(
        bucket: String, key: String, versionId: String, bypassGovernance: Bool, on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT headers ->> \(ObjectLockHeaders.legalHold), headers ->> \(ObjectLockHeaders.mode),
                   COALESCE((headers ->> \(ObjectLockHeaders.retainUntil))::timestamptz > now(), false)
            FROM objects WHERE bucket = \(bucket) AND key = \(key) AND version_id = \(versionId)
            """,
            logger: logger)
        for try await (legalHold, mode, retained) in rows.decode((String?, String?, Bool).self) {
            let protected =
                legalHold == "ON"
                || (retained && (mode == ObjectLockMode.compliance.rawValue || !bypassGovernance))
            if protected {
                throw MetadataError(.accessDenied, "Access Denied because object protected by object lock.")
            }
        }
    }

    /// Gives a new version the bucket's default retention when it names none, by the database's clock; refuses
    /// lock headers on a bucket without object lock (`invalidRequest`).
    func applyLock(to version: inout ObjectVersion, in bucket: LockedBucket, on connection: PostgresConnection)
        async throws
    {
        guard !version.isDeleteMarker else { return }
        guard bucket.objectLock else {
            if ObjectLockHeaders.all.contains(where: { version.headers[$0] != nil }) { throw Self.noObjectLock }
            return
        }
        guard version.headers[ObjectLockHeaders.mode] == nil, let retention = bucket.defaultRetention else { return }
        let rows = try await connection.query(
            """
            SELECT now() + make_interval(years => \(retention.years ?? 0)::int, days => \(retention.days ?? 0)::int)
            """,
            logger: logger)
        for try await until in rows.decode(Date.self) {
            version.headers[ObjectLockHeaders.mode] = retention.mode.rawValue
            version.headers[ObjectLockHeaders.retainUntil] = ObjectLockHeaders.format(until)
        }
    }

    static var noObjectLock: MetadataError {
        MetadataError(.invalidRequest, "Bucket is missing Object Lock Configuration")
    }

}
