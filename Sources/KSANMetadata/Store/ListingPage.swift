import PostgresNIO

/// The one row a ``ListingStatement`` answers: whether the bucket exists, then its arrays, all of one length.
struct ListingPage {
    /// Whether the bucket exists (and is the one the caller resolved).
    let bucketFound: Bool
    private var cells: RowCells
    private var length: Int?

    /// Reads the count cell of a row.
    init(_ row: PostgresRow) throws {
        cells = RowCells(row)
        bucketFound = try cells.next(Int64.self) > 0
    }

    /// The next array; empty for a page with no entries. Every array must be as long as the first.
    mutating func next<Element: PostgresArrayDecodable>(_ type: [Element].Type = [Element].self) throws -> [Element]
    where Element == Element._DecodableType {
        let array = try cells.next([Element]?.self) ?? []
        if let length, array.count != length {
            throw MetadataError(.internal, "a listing page with arrays of \(length) and \(array.count) entries")
        }
        length = array.count
        return array
    }
}
