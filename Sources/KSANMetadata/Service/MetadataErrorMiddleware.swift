import Foundation
import Hummingbird
import Logging

/// Turns every error of a metadata API handler into a JSON ``MetadataError`` response.
///
/// A ``MetadataError`` keeps its code and message; an HTTP error of the framework (unknown path, body too large)
/// keeps its status; anything else is logged and answered `500 InternalError` without details.
struct MetadataErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as MetadataError {
            if error.code == .internal || error.code == .unavailable {
                logger.warning(
                    "Metadata request failed",
                    metadata: ["ksan.path": "\(request.uri.path)", "error": "\(error)"]
                )
            }
            return Self.response(error, status: error.httpStatus)
        } catch let error as any HTTPResponseError {
            let code: MetadataError.Code =
                switch error.status {
                case .notFound: MetadataError.Code(rawValue: "NotFound")
                case .contentTooLarge: MetadataError.Code(rawValue: "EntityTooLarge")
                case .methodNotAllowed: MetadataError.Code(rawValue: "MethodNotAllowed")
                default: error.status.code >= 500 ? .internal : .invalidArgument
                }
            return Self.response(MetadataError(code, error.status.reasonPhrase), status: error.status)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.error(
                "Unexpected error in metadata request",
                metadata: ["ksan.path": "\(request.uri.path)", "error": "\(PostgresMetadataStore.describe(error))"]
            )
            return Self.response(
                MetadataError(.internal, "We encountered an internal error. Please try again."),
                status: .internalServerError
            )
        }
    }

    static func response(_ error: MetadataError, status: HTTPResponse.Status) -> Response {
        let body = (try? MetadataJSON.encoder().encode(error)) ?? Data(#"{"code":"InternalError","message":""}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
