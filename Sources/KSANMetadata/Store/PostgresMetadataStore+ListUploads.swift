import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    /// Where an upload listing batch starts. Uploads are ordered by key (bytes), initiation time, then id.
    enum UploadCursor {
        /// At the first key `>=` this.
        case atLeast(String)
        /// At the first key `>` this.
        case afterKey(String)
        /// Just after this upload of this key.
        case afterUpload(key: String, uploadId: String)
    }

    public func listUploads(bucket ref: BucketRef, query: ListUploadsQuery) async throws -> ListUploadsResult {
        let bucket = ref.name
        let maxUploads = min(max(query.maxUploads, 0), 1000)
        let prefix = query.prefix
        let upper = KeyOrder.successor(of: prefix)
        let keyMarker = query.keyMarker.flatMap { $0.isEmpty ? nil : $0 }
        let uploadIdMarker = query.uploadIdMarker.flatMap { $0.isEmpty ? nil : $0 }
        return try await transaction(readOnly: true) { connection in
            try await checkBucket(ref, on: connection)
            let start: UploadCursor? = keyMarker.map { key in
                uploadIdMarker.map { .afterUpload(key: key, uploadId: $0) } ?? .afterKey(key)
            }
            let listing = DelimitedListing<MultipartUpload, UploadCursor>(
                prefix: prefix, delimiter: query.delimiter, maxEntries: maxUploads, key: \.key,
                after: { .afterUpload(key: $0.key, uploadId: $0.uploadId) }, atLeast: { .atLeast($0) },
                fetch: { cursor, limit in
                    try await self.fetchUploads(
                        bucket: bucket, prefix: prefix, upper: upper, cursor: cursor, limit: limit, on: connection
                    )
                }
            )
            let (entries, isTruncated) = try await listing.run(markerKey: keyMarker, start: start)
            var uploads: [MultipartUpload] = []
            var prefixes: [String] = []
            var nextKey: String?
            var nextUploadId: String?
            for entry in entries {
                switch entry {
                case .row(let upload):
                    uploads.append(upload)
                    nextKey = upload.key
                    nextUploadId = upload.uploadId
                case .commonPrefix(let common):
                    prefixes.append(common)
                    nextKey = common
                    nextUploadId = nil
                }
            }
            return ListUploadsResult(
                uploads: uploads, commonPrefixes: prefixes, isTruncated: isTruncated, nextKeyMarker: nextKey,
                nextUploadIdMarker: nextUploadId
            )
        }
    }

    /// One batch of an upload listing: keys in `[prefix, upper)` from the cursor, in listing order.
    func fetchUploads(
        bucket: String, prefix: String, upper: String?, cursor: UploadCursor?, limit: Int,
        on connection: PostgresConnection
    ) async throws -> [MultipartUpload] {
        // Key bounds: the greater of the prefix (inclusive) and the cursor's key; an upload cursor also admits the
        // later uploads of its own key.
        var lower = prefix
        var inclusive = true
        var afterUpload: (key: String, uploadId: String)?
        switch cursor {
        case .atLeast(let key) where !KeyOrder.precedes(key, prefix):
            lower = key
        case .afterKey(let key) where !KeyOrder.precedes(key, prefix):
            lower = key
            inclusive = false
        case .afterUpload(let key, let uploadId) where !KeyOrder.precedes(key, prefix):
            lower = key
            afterUpload = (key, uploadId)
        default:
            break
        }
        let upperBound = upper ?? ""
        let hasUpper = upper != nil
        let rows: PostgresRowSequence
        if let afterUpload {
            rows = try await connection.query(
                """
                SELECT upload_id, bucket, key, initiated, owner_id, content_type, user_metadata::text, headers::text,
                       pool_id
                FROM multipart_uploads
                WHERE bucket = \(bucket) AND key >= \(lower) AND (NOT \(hasUpper) OR key < \(upperBound))
                  AND (key > \(afterUpload.key)
                       OR (initiated, upload_id) > (SELECT m.initiated, m.upload_id FROM multipart_uploads m
                                                    WHERE m.upload_id = \(afterUpload.uploadId)
                                                      AND m.bucket = \(bucket) AND m.key = \(afterUpload.key)))
                ORDER BY key, initiated, upload_id LIMIT \(limit)
                """,
                logger: logger
            )
        } else {
            let comparison = inclusive ? ">=" : ">"
            rows = try await connection.query(
                """
                SELECT upload_id, bucket, key, initiated, owner_id, content_type, user_metadata::text, headers::text,
                       pool_id
                FROM multipart_uploads
                WHERE bucket = \(bucket) AND key \(unescaped: comparison) \(lower)
                  AND (NOT \(hasUpper) OR key < \(upperBound))
                ORDER BY key, initiated, upload_id LIMIT \(limit)
                """,
                logger: logger
            )
        }
        return try await Self.uploads(from: rows)
    }
}
