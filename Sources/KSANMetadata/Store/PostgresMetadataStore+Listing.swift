import Foundation
import NIOCore
import PostgresNIO

/// ListObjects and ListObjectVersions: each page one statement (``ListingStatement``), so one round trip and one
/// snapshot, with no transaction around it. A page is written straight from the statement's arrays in its
/// ``ListingWire`` form, which the service sends as it is; `listObjects` and `listObjectVersions` read it back.
extension PostgresMetadataStore {
    public func listObjectsWire(bucket ref: BucketRef, query: ListObjectsQuery) async throws -> ByteBuffer {
        let maxKeys = min(max(query.maxKeys, 0), 1000)
        let startAfter = query.startAfter.flatMap { $0.isEmpty ? nil : $0 }
        let statement = Self.listingStatement(
            .objects, bucket: ref, prefix: query.prefix, delimiter: query.delimiter, maxKeys: maxKeys,
            start: Self.start(prefix: query.prefix, after: startAfter), marker: startAfter)
        var page = try await Self.page(of: statement, on: client, logger: logger)
        var columns = try ObjectColumns(&page)
        return try columns.wire(maxKeys: maxKeys)
    }

    public func listObjectVersionsWire(bucket ref: BucketRef, query: ListVersionsQuery) async throws -> ByteBuffer {
        let maxKeys = min(max(query.maxKeys, 0), 1000)
        let prefix = query.prefix
        let keyMarker = query.keyMarker.flatMap { $0.isEmpty ? nil : $0 }
        var start = Self.start(prefix: prefix, after: keyMarker)
        if let keyMarker, let versionIdMarker = query.versionIdMarker, !versionIdMarker.isEmpty,
            KeyOrder.hasPrefix(keyMarker, prefix)
        {
            // After that version of the key: its position in the key's history. A version deleted since the page
            // was listed (a client emptying a bucket page by page) is placed by the sequence its id begins with; a
            // `null` version that is gone, or an id made elsewhere, lists the key's remaining versions from its
            // newest, so that none is ever skipped.
            start = .afterVersion(
                key: keyMarker, versionId: versionIdMarker, sequence: VersionID.sequence(of: versionIdMarker))
        }
        let statement = Self.listingStatement(
            .versions, bucket: ref, prefix: prefix, delimiter: query.delimiter, maxKeys: maxKeys, start: start,
            marker: keyMarker)
        var page = try await Self.page(of: statement, on: client, logger: logger)
        var columns = try VersionColumns(&page)
        return try columns.wire(maxKeys: maxKeys)
    }

    public func listObjects(bucket: BucketRef, query: ListObjectsQuery) async throws -> ListObjectsResult {
        try Self.decode(try await listObjectsWire(bucket: bucket, query: query))
    }

    public func listObjectVersions(bucket: BucketRef, query: ListVersionsQuery) async throws -> ListVersionsResult {
        try Self.decode(try await listObjectVersionsWire(bucket: bucket, query: query))
    }

    /// A page written by ``ObjectColumns`` or ``VersionColumns``, read back.
    static func decode<Page: ListingWire>(_ wire: ByteBuffer) throws -> Page {
        do {
            return try Page(wire: wire)
        } catch {
            throw MetadataError(.internal, "a listing page that cannot be read back: \(error)")
        }
    }

    /// Where a listing starts after a marker key (or at the prefix without one): the greater of the prefix
    /// (inclusive) and the marker (exclusive).
    static func start(prefix: String, after marker: String?) -> ListingStatement.Start {
        if let marker, !KeyOrder.precedes(marker, prefix) { return .key(marker, inclusive: false) }
        return .key(prefix, inclusive: true)
    }

    /// The statement of a page of `maxKeys` entries, reading one more to tell whether the listing is truncated.
    ///
    /// A marker under a common prefix means that prefix was returned already: the page starts after every key under
    /// it (and is empty when nothing can follow it).
    static func listingStatement(
        _ kind: ListingStatement.Kind, bucket: BucketRef, prefix: String, delimiter: String?, maxKeys: Int,
        start: ListingStatement.Start, marker: String?
    ) -> ListingStatement {
        let delimiter = delimiter.flatMap { $0.isEmpty ? nil : $0 }
        var statement = ListingStatement(
            kind: kind, bucket: bucket, prefix: prefix, upper: KeyOrder.successor(of: prefix), delimiter: delimiter,
            start: start, limit: maxKeys == 0 ? 0 : maxKeys + 1)
        if let delimiter, let marker, KeyOrder.hasPrefix(marker, prefix),
            let skipped = KeyOrder.commonPrefix(of: marker, prefix: prefix, delimiter: delimiter)
        {
            if let next = KeyOrder.successor(of: skipped) {
                statement.start = .key(next, inclusive: true)
            } else {
                statement.limit = 0
            }
        }
        return statement
    }

    /// Runs a listing statement and returns its one row, positioned at the first array; NoSuchBucket when the bucket
    /// is not there.
    static func page(of statement: ListingStatement, on client: PostgresClient, logger: Logger) async throws
        -> ListingPage
    {
        let rows = try await client.query(statement.query, logger: logger)
        var page: ListingPage?
        for try await row in rows { page = try ListingPage(row) }
        guard let page, page.bucketFound else { throw noSuchBucket }
        return page
    }
}
