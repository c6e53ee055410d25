import HTTPTypes
import KSANMetadata

/// The portal's one error type: an HTTP status, a stable code and a message, answered as
/// `{"error": {"code": ..., "message": ...}}`.
public struct PortalError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// No key, or not a valid one: nothing more is said.
    public static let unauthorized = PortalError(.unauthorized, "Unauthorized", "Unauthorized")

    /// A body or parameter the API does not accept.
    public static func badRequest(_ message: String) -> PortalError {
        PortalError(.badRequest, "BadRequest", message)
    }

    /// Something that does not exist.
    public static func notFound(_ message: String) -> PortalError { PortalError(.notFound, "NotFound", message) }

    /// A change that conflicts with what exists.
    public static func conflict(_ message: String) -> PortalError { PortalError(.conflict, "Conflict", message) }

    /// The portal's view of a metadata error.
    public init(_ error: MetadataError) {
        switch error.code {
        case .notFound, .noSuchBucket, .noSuchPool: self.init(.notFound, "NotFound", error.message)
        case .conflict, .bucketNotEmpty, .bucketAlreadyExists: self.init(.conflict, "Conflict", error.message)
        case .invalidArgument: self.init(.badRequest, "BadRequest", error.message)
        // A well-formed change the cluster as it is cannot take (a pool that one server down could make lose data).
        case .invalidTopology: self.init(.conflict, "Conflict", error.message)
        case .unavailable: self.init(.serviceUnavailable, "ServiceUnavailable", "The database is unavailable")
        default: self.init(.internalServerError, "InternalError", "Internal error")
        }
    }

    public var description: String { "\(status.code) \(code): \(message)" }
}
