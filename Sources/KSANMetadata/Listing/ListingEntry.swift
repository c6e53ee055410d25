/// One entry of a delimited listing: a row, or a common prefix that stands for every row under it.
enum ListingEntry<Row> {
    /// A row (object or upload).
    case row(Row)
    /// A common prefix, ending with the delimiter.
    case commonPrefix(String)
}
