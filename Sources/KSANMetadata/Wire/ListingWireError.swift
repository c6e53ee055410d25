/// A listing page in the binary form that cannot be read: cut short, of another version, or with bytes left over.
public struct ListingWireError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var description: String

    /// Creates an error.
    init(_ description: String) {
        self.description = "unreadable listing page: \(description)"
    }
}
