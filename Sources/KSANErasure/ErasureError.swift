/// A failure to encode or reconstruct a stripe.
public struct ErasureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// k or m out of range.
        case invalidScheme
        /// Fewer than k shards survive.
        case tooManyLost
        /// The decode matrix could not be inverted (cannot happen with a Cauchy matrix).
        case singularMatrix
    }

    /// What went wrong.
    public var code: Code
    /// Details.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
