import PostgresNIO

/// The one row a ``ListingStatement`` answers: whether the bucket exists, then its arrays, all of one length.
struct ListingPage {
    /// Whether the bucket exists (and is the one the caller resolved).
    let bucketFound: Bool
    private var cells: PostgresRow.Iterator
    /// The length of every array (that of the first).
    private(set) var count: Int?

    /// Reads the count cell of a row.
    init(_ row: PostgresRow) throws {
        cells = row.makeIterator()
        guard let first = cells.next() else { throw MetadataError(.internal, "a listing page with no columns") }
        bucketFound = try first.decode(Int64.self) > 0
    }

    /// The next array, of elements of one of `types`; empty for a page with no entries. Every array must be as long
    /// as the first.
    mutating func next(_ types: [PostgresDataType]) throws -> BinaryArray {
        guard let cell = cells.next() else { throw MetadataError(.internal, "a listing page with too few columns") }
        let array = try BinaryArray(cell, of: types)
        if let count, array.count != count {
            throw MetadataError(.internal, "a listing page with arrays of \(count) and \(array.count) entries")
        }
        count = array.count
        return array
    }
}
