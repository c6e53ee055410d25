/// Why the data plane could not store or read data. `KSANS3` maps each code to an S3 error in one place.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable {
        /// A body of known length ended before it (or ran past it).
        case incompleteBody
        /// A body of unknown length ran past its limit.
        case tooLarge
        /// There is no pool to place data in.
        case noPool
        /// Fewer shards could be written or read than a stripe needs.
        case unavailable
        /// Fewer shards could be written than a stripe needs because their disks are full.
        case full
        /// Stored data does not match its layout.
        case inconsistent
    }

    /// The kind.
    public var code: Code
    /// What happened, for logs.
    public var message: String

    /// An error of `code`.
    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public var description: String { message.isEmpty ? code.rawValue : "\(code.rawValue): \(message)" }
}
