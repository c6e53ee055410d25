import Foundation
import PostgresNIO

/// Bucket versioning: its state (ListObjectVersions is in `PostgresMetadataStore+Listing.swift`).
extension PostgresMetadataStore {
    public func setVersioning(_ bucket: BucketRef, status: VersioningStatus) async throws {
        guard status != .unversioned else {
            throw MetadataError(.invalidArgument, "A versioned bucket can only be Enabled or Suspended")
        }
        try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT object_lock FROM buckets
                WHERE name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR id = \(bucket.id))
                FOR UPDATE
                """,
                logger: logger)
            var objectLock: Bool?
            for try await value in rows.decode(Bool.self) { objectLock = value }
            guard let objectLock else { throw Self.noSuchBucket }
            if objectLock && status != .enabled {
                throw MetadataError(
                    .invalidBucketState,
                    "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."
                )
            }
            try await connection.query(
                "UPDATE buckets SET versioning = \(status.rawValue) WHERE name = \(bucket.name)", logger: logger)
            try await recordEvent(
                ObjectEvent(eventName: "BucketConfigChanged", bucket: bucket.name, key: "versioning"),
                routingKey: ObjectEvent.bucketConfigChanged, on: connection)
        }
    }
}
