import Foundation
import PostgresNIO

/// Bucket versioning: its state, and ListObjectVersions over the `(bucket, key, seq DESC)` index.
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

    /// Where a version listing batch starts.
    enum VersionCursor {
        /// At the first version of the first key `>=` this.
        case atLeast(String)
        /// At the first version of the first key `>` this.
        case after(String)
        /// After the version at `sequence` of `key`: its older versions, then the keys after it.
        case afterVersion(key: String, sequence: Int64)
    }

    public func listObjectVersions(bucket ref: BucketRef, query: ListVersionsQuery) async throws
        -> ListVersionsResult
    {
        let bucket = ref.name
        let maxKeys = min(max(query.maxKeys, 0), 1000)
        let prefix = query.prefix
        let upper = KeyOrder.successor(of: prefix)
        let keyMarker = query.keyMarker.flatMap { $0.isEmpty ? nil : $0 }
        return try await transaction(readOnly: true) { connection in
            try await checkBucket(ref, on: connection)
            var start: VersionCursor? = keyMarker.map { .after($0) }
            if let keyMarker, let versionIdMarker = query.versionIdMarker, !versionIdMarker.isEmpty {
                // After that version of the key: its position in the key's history. A version deleted since the
                // page was listed (a client emptying a bucket page by page) is placed by the sequence its id
                // begins with; a `null` version that is gone, or an id made elsewhere, lists the key's remaining
                // versions from its newest, so that none is ever skipped.
                if let sequence = VersionID.sequence(of: versionIdMarker) {
                    start = .afterVersion(key: keyMarker, sequence: sequence)
                } else {
                    start = .atLeast(keyMarker)
                }
                let rows = try await connection.query(
                    """
                    SELECT seq FROM objects
                    WHERE bucket = \(bucket) AND key = \(keyMarker) AND version_id = \(versionIdMarker)
                    """,
                    logger: logger)
                for try await sequence in rows.decode(Int64.self) {
                    start = .afterVersion(key: keyMarker, sequence: sequence)
                }
            }
            let listing = DelimitedListing<VersionSummary, VersionCursor>(
                prefix: prefix, delimiter: query.delimiter, maxEntries: maxKeys, key: \.key,
                after: { .afterVersion(key: $0.key, sequence: $0.sequence) }, atLeast: { .atLeast($0) },
                fetch: { cursor, limit in
                    try await self.fetchVersions(
                        bucket: bucket, prefix: prefix, upper: upper, cursor: cursor, limit: limit, on: connection)
                }
            )
            let (entries, isTruncated) = try await listing.run(markerKey: keyMarker, start: start)
            var versions: [VersionSummary] = []
            var prefixes: [String] = []
            var nextKey: String?
            var nextVersion: String?
            for entry in entries {
                switch entry {
                case .row(let version):
                    versions.append(version)
                    (nextKey, nextVersion) = (version.key, version.versionId)
                case .commonPrefix(let common):
                    prefixes.append(common)
                    (nextKey, nextVersion) = (common, nil)
                }
            }
            return ListVersionsResult(
                versions: versions, commonPrefixes: prefixes, isTruncated: isTruncated,
                nextKeyMarker: isTruncated ? nextKey : nil, nextVersionIdMarker: isTruncated ? nextVersion : nil)
        }
    }

    /// One batch of a version listing: the versions of keys in `[prefix, upper)` from the cursor, in byte order of
    /// keys and newest first within a key.
    func fetchVersions(
        bucket: String, prefix: String, upper: String?, cursor: VersionCursor?, limit: Int,
        on connection: PostgresConnection
    ) async throws -> [VersionSummary] {
        var result: [VersionSummary] = []
        let keyCursor: ObjectCursor?
        switch cursor {
        case .afterVersion(let key, let sequence):
            // The rest of that key's history first, if the key is one listed (a marker may be outside the prefix).
            if KeyOrder.hasPrefix(key, prefix) {
                let rows = try await connection.query(
                    """
                    SELECT \(unescaped: Self.versionColumns) FROM objects
                    WHERE bucket = \(bucket) AND key = \(key) AND seq < \(sequence)
                    ORDER BY seq DESC LIMIT \(limit)
                    """,
                    logger: logger)
                result = try await Self.versionSummaries(from: rows)
                guard result.count < limit else { return result }
            }
            keyCursor = .after(key)
        case .atLeast(let key): keyCursor = .atLeast(key)
        case .after(let key): keyCursor = .after(key)
        case nil: keyCursor = nil
        }
        let (lower, comparison) = Self.lowerBound(prefix: prefix, cursor: keyCursor)
        let remaining = limit - result.count
        let rows: PostgresRowSequence
        if let upper {
            rows = try await connection.query(
                """
                SELECT \(unescaped: Self.versionColumns) FROM objects
                WHERE bucket = \(bucket) AND key \(unescaped: comparison) \(lower) AND key < \(upper)
                ORDER BY key, seq DESC LIMIT \(remaining)
                """,
                logger: logger)
        } else {
            rows = try await connection.query(
                """
                SELECT \(unescaped: Self.versionColumns) FROM objects
                WHERE bucket = \(bucket) AND key \(unescaped: comparison) \(lower)
                ORDER BY key, seq DESC LIMIT \(remaining)
                """,
                logger: logger)
        }
        return result + (try await Self.versionSummaries(from: rows))
    }

    static let versionColumns = """
        key, version_id, is_latest, is_delete_marker, size, etag, last_modified, owner_id,
        headers ->> 'x-amz-storage-class', seq
        """

    static func versionSummaries(from rows: PostgresRowSequence) async throws -> [VersionSummary] {
        var result: [VersionSummary] = []
        for try await (key, versionId, isLatest, isDeleteMarker, size, etag, lastModified, owner, storageClass, seq)
            in rows.decode((String, String, Bool, Bool, Int64, String, Date, String, String?, Int64).self)
        {
            result.append(
                VersionSummary(
                    key: key, versionId: versionId, isLatest: isLatest, isDeleteMarker: isDeleteMarker, size: size,
                    etag: etag, lastModified: lastModified, ownerId: owner, storageClass: storageClass,
                    sequence: seq))
        }
        return result
    }
}
