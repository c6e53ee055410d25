import PostgresNIO

/// The configurations of buckets (``BucketConfigKind``): one document per bucket and kind, keyed by the bucket's id.
extension PostgresMetadataStore {
    public func bucketConfig(_ bucket: BucketRef, kind: BucketConfigKind) async throws -> String? {
        try await transaction(readOnly: true) { connection in
            try await checkBucket(bucket, on: connection)
            let rows = try await connection.query(
                """
                SELECT c.document FROM bucket_configs c JOIN buckets b ON b.id = c.bucket_id
                WHERE b.name = \(bucket.name) AND c.kind = \(kind.rawValue)
                """,
                logger: logger)
            for try await document in rows.decode(String.self) { return document }
            return nil
        }
    }

    public func setBucketConfig(_ bucket: BucketRef, kind: BucketConfigKind, document: String?) async throws {
        try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            let ids = try await connection.query("SELECT id FROM buckets WHERE name = \(bucket.name)", logger: logger)
            var bucketId: String?
            for try await id in ids.decode(String.self) { bucketId = id }
            guard let bucketId else { throw Self.noSuchBucket }
            if let document {
                try await connection.query(
                    """
                    INSERT INTO bucket_configs (bucket_id, kind, document) VALUES (\(bucketId), \(kind.rawValue), \(document))
                    ON CONFLICT (bucket_id, kind) DO UPDATE SET document = EXCLUDED.document, updated_at = now()
                    """,
                    logger: logger)
            } else {
                let deleted = try await connection.query(
                    "DELETE FROM bucket_configs WHERE bucket_id = \(bucketId) AND kind = \(kind.rawValue) RETURNING 1",
                    logger: logger)
                // Deleting what is not there changes nothing, and announces nothing.
                guard try await deleted.collect().first != nil else { return }
            }
            try await recordEvent(
                ObjectEvent(eventName: "BucketConfigChanged", bucket: bucket.name, key: kind.rawValue),
                routingKey: ObjectEvent.bucketConfigChanged, on: connection)
        }
    }
}
