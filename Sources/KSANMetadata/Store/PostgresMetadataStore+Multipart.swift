import Crypto
import Foundation
import KSANCore
import PostgresNIO

extension PostgresMetadataStore {
    /// The smallest size of every part of a completed upload but the last.
    public static let minimumPartSize: Int64 = 5 * 1024 * 1024

    /// The largest part number.
    public static let maximumPartNumber = 10_000

    public func createUpload(_ upload: MultipartUpload, in bucket: BucketRef) async throws {
        guard upload.bucket == bucket.name else {
            throw MetadataError(.invalidArgument, "The upload belongs to another bucket")
        }
        try Self.validate(key: upload.key)
        guard !upload.uploadId.isEmpty else { throw MetadataError(.invalidArgument, "The upload id must not be empty") }
        try MetadataValidation.check(date: upload.initiated)
        let userMetadata = try MetadataJSON.string(upload.userMetadata)
        let headers = try MetadataJSON.string(upload.headers)
        try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            let pool = try await connection.query("SELECT 1 FROM pools WHERE id = \(upload.poolId)", logger: logger)
            guard try await pool.collect().first != nil else {
                throw MetadataError(.noSuchPool, "The pool \(upload.poolId) does not exist")
            }
            let inserted = try await connection.query(
                """
                INSERT INTO multipart_uploads (upload_id, bucket, key, initiated, owner_id, content_type, user_metadata,
                                               headers, pool_id)
                VALUES (\(upload.uploadId), \(upload.bucket), \(upload.key), \(upload.initiated), \(upload.ownerId),
                        \(upload.contentType), \(userMetadata)::jsonb, \(headers)::jsonb, \(upload.poolId))
                ON CONFLICT (upload_id) DO NOTHING
                RETURNING upload_id
                """,
                logger: logger
            )
            guard try await inserted.collect().first != nil else {
                throw MetadataError(.invalidArgument, "The upload id is already in use")
            }
        }
    }

    public func upload(bucket: BucketRef, key: String, uploadId: String) async throws -> MultipartUpload? {
        try await transaction(readOnly: true) { connection in
            try await checkBucket(bucket, on: connection)
            return
                try await findUpload(bucket: bucket, key: key, uploadId: uploadId, lock: "", on: connection)
        }
    }

    public func putPart(bucket: BucketRef, key: String, uploadId: String, part: PartRecord) async throws
        -> [DataLayout]
    {
        guard (1...Self.maximumPartNumber).contains(part.partNumber) else {
            throw MetadataError(.invalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
        }
        try part.segment.validate()
        try MetadataValidation.check(date: part.lastModified)
        let segment = try MetadataJSON.string(part.segment)
        return try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            guard
                try await findUpload(bucket: bucket, key: key, uploadId: uploadId, lock: "FOR SHARE", on: connection)
                    != nil
            else {
                throw Self.noSuchUpload
            }
            try await lockKey(bucket: uploadId, key: String(part.partNumber), on: connection)
            let old = try await connection.query(
                """
                DELETE FROM multipart_parts WHERE upload_id = \(uploadId) AND part_number = \(part.partNumber)
                RETURNING segment::text
                """,
                logger: logger
            )
            var displaced: [DataLayout] = []
            for try await json in old.decode(String.self) {
                if let layout = try MetadataJSON.decode(ObjectSegment.self, from: json).layout {
                    displaced.append(layout)
                }
            }
            try await connection.query(
                """
                INSERT INTO multipart_parts (upload_id, part_number, etag, size, last_modified, segment)
                VALUES (\(uploadId), \(part.partNumber), \(part.etag), \(part.size), \(part.lastModified),
                        \(segment)::jsonb)
                """,
                logger: logger
            )
            try await retain(part.segment.layout.map { [$0] } ?? [], on: connection)
            return try await release(displaced, on: connection)
        }
    }

    public func listParts(bucket: BucketRef, key: String, uploadId: String, partNumberMarker: Int, maxParts: Int)
        async throws -> ListPartsResult
    {
        let maxParts = min(max(maxParts, 0), 1000)
        return try await transaction(readOnly: true) { connection in
            try await checkBucket(bucket, on: connection)
            guard try await findUpload(bucket: bucket, key: key, uploadId: uploadId, lock: "", on: connection) != nil
            else {
                throw Self.noSuchUpload
            }
            guard maxParts > 0 else { return ListPartsResult(parts: [], isTruncated: false, nextPartNumberMarker: nil) }
            let rows = try await connection.query(
                """
                SELECT part_number, etag, last_modified, segment::text FROM multipart_parts
                WHERE upload_id = \(uploadId) AND part_number > \(partNumberMarker)
                ORDER BY part_number LIMIT \(maxParts + 1)
                """,
                logger: logger
            )
            var parts = try await Self.parts(from: rows)
            let isTruncated = parts.count > maxParts
            if isTruncated { parts.removeLast(parts.count - maxParts) }
            return ListPartsResult(
                parts: parts, isTruncated: isTruncated, nextPartNumberMarker: parts.last?.partNumber
            )
        }
    }

    public func completeUpload(
        bucket: BucketRef, key: String, uploadId: String, parts requested: [CompletedPart], condition: WriteCondition,
        headers: [String: String]?, responseElements: [String: String]
    ) async throws -> (version: ObjectVersion, garbage: [DataLayout]) {
        let lastModified = Date()
        return try await transaction { connection in
            let locked = try await lockBucket(bucket, on: connection)
            guard
                let upload = try await findUpload(
                    bucket: bucket, key: key, uploadId: uploadId, lock: "FOR UPDATE", on: connection
                )
            else {
                throw Self.noSuchUpload
            }
            let rows = try await connection.query(
                """
                SELECT part_number, etag, last_modified, segment::text FROM multipart_parts
                WHERE upload_id = \(uploadId) ORDER BY part_number
                """,
                logger: logger
            )
            let stored = try await Self.parts(from: rows)
            let chosen = try Self.checkCompletion(requested: requested, stored: stored)
            var version = ObjectVersion(
                bucket: bucket.name, key: key, size: chosen.reduce(0) { $0 + $1.size },
                etag: try Self.multipartETag(of: chosen), lastModified: lastModified,
                contentType: upload.contentType, userMetadata: upload.userMetadata, headers: headers ?? upload.headers,
                ownerId: upload.ownerId, segments: chosen.map(\.segment), partCount: chosen.count
            )
            let committed = try await commit(
                version, in: locked, condition: condition,
                eventName: "ObjectCreated:CompleteMultipartUpload", on: connection)
            var garbage = committed.displaced
            version.lastModified = committed.lastModified
            version.versionId = committed.versionId
            let recordedVersion: String? = committed.versionId == VersionID.null ? nil : committed.versionId
            try await connection.query("DELETE FROM multipart_parts WHERE upload_id = \(uploadId)", logger: logger)
            try await connection.query("DELETE FROM multipart_uploads WHERE upload_id = \(uploadId)", logger: logger)
            // Remembered for retries of this completion, in the bucket it was made in.
            let digest = CompletedUpload.digest(of: requested)
            let response = try MetadataJSON.string(responseElements)
            try await connection.query(
                """
                INSERT INTO completed_uploads (upload_id, bucket, bucket_id, key, etag, parts_digest, response,
                                               version_id)
                SELECT \(uploadId), name, id, \(key), \(version.etag), \(digest), \(response)::jsonb,
                       \(recordedVersion)
                FROM buckets WHERE name = \(bucket.name)
                ON CONFLICT (upload_id) DO NOTHING
                """,
                logger: logger
            )
            // Every part's reference moves to the object (retained by `commit`); unused parts become garbage.
            garbage += try await release(stored.compactMap(\.segment.layout), on: connection)
            return (version, garbage)
        }
    }

    public func completedUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> CompletedUpload? {
        try await read { connection in
            // One statement: the bucket row (checked by id) and the completion made in that bucket, if any.
            let rows = try await connection.query(
                """
                SELECT c.etag, c.parts_digest, c.response::text, c.completed_at, c.version_id
                FROM buckets b LEFT JOIN completed_uploads c
                  ON c.bucket = b.name AND c.bucket_id = b.id AND c.upload_id = \(uploadId) AND c.key = \(key)
                  AND c.completed_at > now() - make_interval(secs => \(CompletedUpload.retention))
                WHERE b.name = \(bucket.name) AND (\(bucket.id)::text IS NULL OR b.id = \(bucket.id))
                """,
                logger: logger
            )
            var bucketFound = false
            var record: CompletedUpload?
            for try await (etag, digest, response, completedAt, versionId) in rows.decode(
                (String?, String?, String?, Date?, String?).self)
            {
                bucketFound = true
                if let etag, let digest, let response, let completedAt {
                    record = CompletedUpload(
                        uploadId: uploadId, key: key, etag: etag, partsDigest: digest,
                        responseElements: try MetadataJSON.decode([String: String].self, from: response),
                        completedAt: completedAt, versionId: versionId)
                }
            }
            guard bucketFound else { throw Self.noSuchBucket }
            return record
        }
    }

    public func abortUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> [DataLayout] {
        try await transaction { connection in
            try await lockBucket(bucket, on: connection)
            guard
                try await findUpload(bucket: bucket, key: key, uploadId: uploadId, lock: "FOR UPDATE", on: connection)
                    != nil
            else {
                throw Self.noSuchUpload
            }
            let rows = try await connection.query(
                "DELETE FROM multipart_parts WHERE upload_id = \(uploadId) RETURNING segment::text",
                logger: logger
            )
            var layouts: [DataLayout] = []
            for try await json in rows.decode(String.self) {
                if let layout = try MetadataJSON.decode(ObjectSegment.self, from: json).layout {
                    layouts.append(layout)
                }
            }
            try await connection.query("DELETE FROM multipart_uploads WHERE upload_id = \(uploadId)", logger: logger)
            return try await release(layouts, on: connection)
        }
    }

    // MARK: Completion rules

    /// Checks the parts named by CompleteMultipartUpload against the stored ones and returns the chosen parts in order.
    static func checkCompletion(requested: [CompletedPart], stored: [PartRecord]) throws -> [PartRecord] {
        guard !requested.isEmpty else {
            throw MetadataError(.invalidPartOrder, "You must specify at least one part")
        }
        for (previous, next) in zip(requested, requested.dropFirst()) where next.partNumber <= previous.partNumber {
            throw MetadataError(
                .invalidPartOrder,
                "The list of parts was not in ascending order. The parts list must be specified in order by part number"
            )
        }
        let byNumber = Dictionary(stored.map { ($0.partNumber, $0) }, uniquingKeysWith: { $1 })
        var chosen: [PartRecord] = []
        chosen.reserveCapacity(requested.count)
        for wanted in requested {
            guard let part = byNumber[wanted.partNumber],
                CompletedPart.normalize(etag: part.etag) == CompletedPart.normalize(etag: wanted.etag),
                wanted.checksum == nil || wanted.checksum == part.segment.checksum
            else {
                throw MetadataError(
                    .invalidPart,
                    "One or more of the specified parts could not be found. The part may not have been uploaded, or "
                        + "the specified entity tag may not match the part's entity tag (part \(wanted.partNumber))"
                )
            }
            chosen.append(part)
        }
        for part in chosen.dropLast() where part.size < minimumPartSize {
            throw MetadataError(
                .entityTooSmall,
                "Your proposed upload is smaller than the minimum allowed size (part \(part.partNumber))"
            )
        }
        return chosen
    }

    /// The ETag of a multipart object: hex MD5 of the concatenated binary MD5s of its parts, then `-` and the count.
    public static func multipartETag(of parts: [PartRecord]) throws -> String {
        var md5 = Insecure.MD5()
        for part in parts {
            guard let digest = Hex.decode(CompletedPart.normalize(etag: part.etag)), digest.count == 16 else {
                throw MetadataError(.invalidPart, "Part \(part.partNumber) has no MD5 entity tag")
            }
            md5.update(data: digest)
        }
        let hex = Hex.encode(md5.finalize())
        return "\(hex)-\(parts.count)"
    }

    static var noSuchUpload: MetadataError {
        MetadataError(
            .noSuchUpload,
            "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload "
                + "might have been aborted or completed"
        )
    }

    // MARK: Rows

    /// The upload with this id, bucket and key, optionally locked (`lock` is a constant clause).
    func findUpload(
        bucket: BucketRef, key: String, uploadId: String, lock: StaticString, on connection: PostgresConnection
    ) async throws -> MultipartUpload? {
        let bucket = bucket.name
        let rows = try await connection.query(
            """
            SELECT upload_id, bucket, key, initiated, owner_id, content_type, user_metadata::text, headers::text,
                   pool_id
            FROM multipart_uploads WHERE upload_id = \(uploadId) AND bucket = \(bucket) AND key = \(key)
            \(unescaped: "\(lock)")
            """,
            logger: logger
        )
        return try await Self.uploads(from: rows).first
    }

    static func uploads(from rows: PostgresRowSequence) async throws -> [MultipartUpload] {
        var result: [MultipartUpload] = []
        for try await (id, bucket, key, initiated, owner, contentType, userMetadata, headers, pool) in rows.decode(
            (String, String, String, Date, String, String, String, String, String).self
        ) {
            result.append(
                MultipartUpload(
                    uploadId: id, bucket: bucket, key: key, initiated: initiated, ownerId: owner,
                    contentType: contentType,
                    userMetadata: try MetadataJSON.decode([String: String].self, from: userMetadata),
                    headers: try MetadataJSON.decode([String: String].self, from: headers), poolId: pool
                )
            )
        }
        return result
    }

    static func parts(from rows: PostgresRowSequence) async throws -> [PartRecord] {
        var result: [PartRecord] = []
        for try await (number, etag, lastModified, segment) in rows.decode((Int, String, Date, String).self) {
            result.append(
                PartRecord(
                    partNumber: number, etag: etag, lastModified: lastModified,
                    segment: try MetadataJSON.decode(ObjectSegment.self, from: segment)
                )
            )
        }
        return result
    }
}
