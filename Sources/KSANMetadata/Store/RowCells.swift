import PostgresNIO

/// The cells of a row, read in column order, each decoded as a concrete type.
///
/// `PostgresRow.decode((A, B, ...).self)` builds tuple metadata for every row it decodes, which costs more than the
/// decoding itself on a page of a thousand rows: listings read their rows through this instead.
struct RowCells {
    private var cells: PostgresRow.Iterator

    /// The cells of a row.
    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    /// The next cell, decoded.
    mutating func next<Value: PostgresDecodable>(_ type: Value.Type = Value.self) throws -> Value {
        guard let cell = cells.next() else { throw MetadataError(.internal, "a row has fewer columns than read") }
        return try cell.decode(Value.self)
    }
}
