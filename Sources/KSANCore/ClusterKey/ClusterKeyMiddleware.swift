import HTTPTypes
import Hummingbird

/// Refuses internal API requests that do not carry a valid ``ClusterKey`` signature (401), except the health check
/// `/_ksan/health`.
public struct ClusterKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: ClusterKey

    /// Creates the middleware.
    public init(key: ClusterKey) {
        self.key = key
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard
            path == "/_ksan/health"
                || key.verify(
                    method: request.method.rawValue, path: path,
                    date: request.headers[HTTPField.Name(ClusterKey.dateHeader)!],
                    signature: request.headers[HTTPField.Name(ClusterKey.signatureHeader)!])
        else {
            context.logger.warning("internal request refused: no valid cluster key", metadata: ["path": "\(path)"])
            return Response(
                status: .unauthorized,
                body: .init(byteBuffer: ByteBuffer(string: "cluster key signature missing or wrong\n")))
        }
        return try await next(request, context)
    }
}
