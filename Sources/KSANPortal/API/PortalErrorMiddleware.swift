import Hummingbird
import KSANMetadata
import Logging

/// Maps every error to the wire in one place: `PortalError` as it is, `MetadataError` by ``PortalError/init(_:)``,
/// Hummingbird's own (no such route) by its status; anything else is a 500 whose details go to the log only.
public struct PortalErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as KeystoneError {
            return error.response
        } catch let error as PortalError {
            return try Self.answer(error)
        } catch let error as MetadataError {
            if error.code == .internal { logger.error("metadata error", metadata: ["error": "\(error)"]) }
            return try Self.answer(PortalError(error))
        } catch let error as HTTPError {
            if error.status == .notFound, let methods = PortalRouteTable.methods(of: request.uri.path) {
                var response = try Self.answer(
                    PortalError(
                        .methodNotAllowed, "MethodNotAllowed",
                        "This resource answers \(methods.joined(separator: ", "))"))
                response.headers[.allow] = methods.joined(separator: ", ")
                return response
            }
            let code = error.status == .notFound ? "NotFound" : "BadRequest"
            let message = error.status == .notFound ? "No such resource" : "The request is not valid"
            return try Self.answer(
                PortalError(error.status, error.status.code >= 500 ? "InternalError" : code, message))
        } catch {
            logger.error("portal request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try Self.answer(PortalError(.internalServerError, "InternalError", "Internal error"))
        }
    }

    static func answer(_ error: PortalError) throws -> Response {
        try PortalJSON.response(ErrorBody(code: error.code, message: error.message), status: error.status)
    }
}
