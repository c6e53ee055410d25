/// The skip-scan behind ListMultipartUploads (ListObjects and ListObjectVersions are one statement each:
/// `ListingStatement`).
///
/// Rows are fetched in key order in batches from a cursor. When a row's key contains the delimiter after the prefix,
/// its common prefix `P` is emitted and the cursor jumps to `KeyOrder.successor(of: P)`, so the rows under `P` are
/// never read. Listing stops after `maxEntries` entries (rows plus common prefixes) and reports truncation only if an
/// entry really follows.
struct DelimitedListing<Row, Cursor> {
    /// Only keys starting with this.
    var prefix: String
    /// The delimiter, nil for none.
    var delimiter: String?
    /// At most this many rows plus common prefixes.
    var maxEntries: Int
    /// The key of a row.
    var key: (Row) -> String
    /// The cursor just after a row.
    var after: (Row) -> Cursor
    /// The cursor at the first key greater than or equal to a string.
    var atLeast: (String) -> Cursor
    /// Fetches up to `limit` rows whose keys start with `prefix`, from the cursor (or the start of the prefix when
    /// nil), in listing order.
    var fetch: (_ from: Cursor?, _ limit: Int) async throws -> [Row]

    /// The first batch size when a delimiter is given; doubled after every batch without a common prefix.
    static var initialDelimitedBatch: Int { 32 }

    /// Creates a listing.
    init(
        prefix: String, delimiter: String?, maxEntries: Int, key: @escaping (Row) -> String,
        after: @escaping (Row) -> Cursor, atLeast: @escaping (String) -> Cursor,
        fetch: @escaping (_ from: Cursor?, _ limit: Int) async throws -> [Row]
    ) {
        self.prefix = prefix
        self.delimiter = delimiter.flatMap { $0.isEmpty ? nil : $0 }
        self.maxEntries = maxEntries
        self.key = key
        self.after = after
        self.atLeast = atLeast
        self.fetch = fetch
    }

    /// Runs the listing.
    /// - Parameters:
    ///   - markerKey: The key of the marker the listing starts after, if any: when it lies under a common prefix, that
    ///     prefix was already returned and is skipped.
    ///   - start: The cursor to start from (nil for the start of the prefix).
    func run(markerKey: String?, start: Cursor?) async throws -> (entries: [ListingEntry<Row>], isTruncated: Bool) {
        guard maxEntries > 0 else { return ([], false) }
        var cursor = start
        if let delimiter, let markerKey, KeyOrder.hasPrefix(markerKey, prefix),
            let skipped = KeyOrder.commonPrefix(of: markerKey, prefix: prefix, delimiter: delimiter)
        {
            guard let next = KeyOrder.successor(of: skipped) else { return ([], false) }
            cursor = atLeast(next)
        }
        var entries: [ListingEntry<Row>] = []
        var batch = delimiter == nil ? Int.max : Self.initialDelimitedBatch
        while true {
            let remaining = maxEntries - entries.count
            if remaining == 0 {
                let probe = try await fetch(cursor, 1)
                return (entries, !probe.isEmpty)
            }
            let limit = min(remaining + 1, batch)
            let rows = try await fetch(cursor, limit)
            var jumped = false
            for row in rows {
                if entries.count == maxEntries { return (entries, true) }
                let rowKey = key(row)
                if let delimiter, let common = KeyOrder.commonPrefix(of: rowKey, prefix: prefix, delimiter: delimiter) {
                    entries.append(.commonPrefix(common))
                    guard let next = KeyOrder.successor(of: common) else { return (entries, false) }
                    cursor = atLeast(next)
                    jumped = true
                    break
                }
                entries.append(.row(row))
                cursor = after(row)
            }
            if jumped {
                batch = Self.initialDelimitedBatch
                continue
            }
            if rows.count < limit { return (entries, false) }
            batch = batch == Int.max ? batch : min(batch * 2, 1001)
        }
    }
}
