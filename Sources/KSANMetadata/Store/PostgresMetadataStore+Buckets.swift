import Crypto
import Foundation
import KSANCore
import PostgresNIO

extension PostgresMetadataStore {
    // MARK: Users and access keys

    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT k.access_key_id, k.secret_key, k.user_id, u.display_name
                FROM access_keys k JOIN users u ON u.id = k.user_id
                WHERE k.access_key_id = \(id) AND k.enabled
                """,
                logger: logger
            )
            for try await (keyId, secret, userId, displayName) in rows.decode((String, String, String, String).self) {
                return AccessKeyRecord(accessKeyId: keyId, secretKey: secret, userId: userId, displayName: displayName)
            }
            return nil
        }
    }

    /// Makes sure an access key exists with this secret, for a user with this display name (the bootstrap admin).
    ///
    /// An existing key keeps its user and gets the new secret; the user's display name is updated. A new key belongs
    /// to `userId`, or by default to the user whose id is the SHA-256 hex of the display name, so a rotated admin key
    /// keeps owning the admin's buckets.
    /// - Returns: The key as stored.
    @discardableResult
    public func ensureUser(
        accessKeyId: String, secretKey: String, displayName: String, userId: String? = nil
    ) async throws -> AccessKeyRecord {
        guard !accessKeyId.isEmpty, !secretKey.isEmpty else {
            throw MetadataError(.invalidArgument, "The access key id and secret must not be empty")
        }
        return try await transaction { connection in
            var owner = userId
            if owner == nil {
                let rows = try await connection.query(
                    "SELECT user_id FROM access_keys WHERE access_key_id = \(accessKeyId) FOR UPDATE",
                    logger: logger
                )
                for try await existing in rows.decode(String.self) { owner = existing }
            }
            let id = owner ?? Self.userId(forDisplayName: displayName)
            try await connection.query(
                """
                INSERT INTO users (id, display_name) VALUES (\(id), \(displayName))
                ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO access_keys (access_key_id, secret_key, user_id)
                VALUES (\(accessKeyId), \(secretKey), \(id))
                ON CONFLICT (access_key_id) DO UPDATE SET secret_key = EXCLUDED.secret_key, user_id = EXCLUDED.user_id
                """,
                logger: logger
            )
            return AccessKeyRecord(accessKeyId: accessKeyId, secretKey: secretKey, userId: id, displayName: displayName)
        }
    }

    /// The default user id of a display name: 64 lower-case hex digits, like an S3 canonical user id.
    static func userId(forDisplayName displayName: String) -> String {
        Hex.encode(SHA256.hash(data: Data("ksan-user:\(displayName)".utf8)))
    }

    // MARK: Buckets

    public func listBuckets(ownerId: String) async throws -> [BucketRecord] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT b.name, b.id, b.owner_id, COALESCE(u.display_name, b.owner_display_name), b.region, b.pool_id,
                       b.created_at, b.versioning, b.object_lock, b.lock_default_mode, b.lock_default_days,
                       b.lock_default_years
                FROM buckets b LEFT JOIN users u ON u.id = b.owner_id
                WHERE b.owner_id = \(ownerId)
                ORDER BY b.name
                """,
                logger: logger
            )
            return try await Self.buckets(from: rows)
        }
    }

    public func createBucket(_ bucket: BucketRecord) async throws {
        guard !bucket.name.isEmpty, !bucket.name.utf8.contains(0) else {
            throw MetadataError(.invalidArgument, "Invalid bucket name")
        }
        guard DataLayout.isValid(dataId: bucket.id) else { throw MetadataError(.invalidArgument, "Invalid bucket id") }
        try MetadataValidation.check(date: bucket.createdAt)
        try await transaction { connection in
            let pool = try await connection.query("SELECT 1 FROM pools WHERE id = \(bucket.poolId)", logger: logger)
            guard try await pool.collect().first != nil else {
                throw MetadataError(.noSuchPool, "The pool \(bucket.poolId) does not exist")
            }
            let inserted = try await connection.query(
                """
                INSERT INTO buckets (name, id, owner_id, owner_display_name, region, pool_id, created_at, versioning,
                                     object_lock)
                VALUES (\(bucket.name), \(bucket.id), \(bucket.ownerId), \(bucket.ownerDisplayName), \(bucket.region),
                        \(bucket.poolId), \(bucket.createdAt), \(bucket.versioning.rawValue), \(bucket.objectLock))
                ON CONFLICT (name) DO NOTHING
                RETURNING name
                """,
                logger: logger
            )
            if try await inserted.collect().first != nil {
                try await recordEvent(
                    ObjectEvent(eventName: "BucketCreated", bucket: bucket.name), routingKey: ObjectEvent.bucketCreated,
                    on: connection)
                return
            }
            let existing = try await connection.query(
                "SELECT owner_id FROM buckets WHERE name = \(bucket.name)",
                logger: logger
            )
            for try await owner in existing.decode(String.self) where owner == bucket.ownerId {
                throw MetadataError(
                    .bucketAlreadyOwnedByYou,
                    "Your previous request to create the named bucket succeeded and you already own it"
                )
            }
            throw MetadataError(
                .bucketAlreadyExists,
                "The requested bucket name is not available. Please select a different name and try again"
            )
        }
    }

    public func bucket(name: String) async throws -> BucketRecord? {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT b.name, b.id, b.owner_id, COALESCE(u.display_name, b.owner_display_name), b.region, b.pool_id,
                       b.created_at, b.versioning, b.object_lock, b.lock_default_mode, b.lock_default_days,
                       b.lock_default_years
                FROM buckets b LEFT JOIN users u ON u.id = b.owner_id
                WHERE b.name = \(name)
                """,
                logger: logger
            )
            return try await Self.buckets(from: rows).first
        }
    }

    public func deleteBucket(_ ref: BucketRef) async throws -> [DataLayout] {
        let name = ref.name
        return try await transaction { connection in
            let bucket = try await connection.query(
                """
                SELECT 1 FROM buckets WHERE name = \(name) AND (\(ref.id)::text IS NULL OR id = \(ref.id)) FOR UPDATE
                """,
                logger: logger
            )
            guard try await bucket.collect().first != nil else { throw Self.noSuchBucket }
            let object = try await connection.query(
                "SELECT 1 FROM objects WHERE bucket = \(name) LIMIT 1",
                logger: logger
            )
            guard try await object.collect().first == nil else {
                throw MetadataError(.bucketNotEmpty, "The bucket you tried to delete is not empty")
            }
            // Lock the uploads first, so a part committed concurrently is either visible below or refused.
            try await connection.query(
                "SELECT upload_id FROM multipart_uploads WHERE bucket = \(name) FOR UPDATE",
                logger: logger
            )
            var layouts: [DataLayout] = []
            let parts = try await connection.query(
                """
                DELETE FROM multipart_parts p USING multipart_uploads u
                WHERE p.upload_id = u.upload_id AND u.bucket = \(name)
                RETURNING p.segment::text
                """,
                logger: logger
            )
            for try await json in parts.decode(String.self) {
                if let layout = try MetadataJSON.decode(ObjectSegment.self, from: json).layout {
                    layouts.append(layout)
                }
            }
            try await connection.query("DELETE FROM multipart_uploads WHERE bucket = \(name)", logger: logger)
            try await connection.query("DELETE FROM buckets WHERE name = \(name)", logger: logger)
            try await recordEvent(
                ObjectEvent(eventName: "BucketRemoved", bucket: name), routingKey: ObjectEvent.bucketRemoved,
                on: connection)
            return try await release(layouts, on: connection)
        }
    }

    static func buckets(from rows: PostgresRowSequence) async throws -> [BucketRecord] {
        var result: [BucketRecord] = []
        for try await row in rows {
            let (name, id, owner, display, region, pool, created, versioning, objectLock, mode, days, years) =
                try row.decode(
                    (String, String, String, String, String, String, Date, String, Bool, String?, Int?, Int?).self)
            result.append(
                BucketRecord(
                    name: name, id: id, ownerId: owner, ownerDisplayName: display, region: region, poolId: pool,
                    createdAt: created, versioning: VersioningStatus(rawValue: versioning) ?? .unversioned,
                    objectLock: objectLock,
                    defaultRetention: mode.flatMap(ObjectLockMode.init(rawValue:)).map {
                        DefaultRetention(mode: $0, days: days, years: years)
                    }
                )
            )
        }
        return result
    }
}
