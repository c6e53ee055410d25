import HTTPTypes
import Hummingbird

/// Refuses internal API requests that do not carry a valid ``ClusterKey`` signature (401), except the health check
/// `/_ksan/health` and the Prometheus metrics `/metrics`.
///
/// The body is read here (up to `maxBodySize`, else 413), so that its SHA-256 is checked as part of the signature
/// before any handler sees it; the handler gets the same bytes. A nonce seen within the skew window is a replay
/// and refused too.
public struct ClusterKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: ClusterKey
    let maxBodySize: Int
    /// Nonces of requests accepted within the skew window (in both directions: twice ``ClusterKey/maxSkew``).
    let seen: ExpiringSet<String>

    /// Creates the middleware.
    public init(key: ClusterKey, maxBodySize: Int) {
        self.key = key
        self.maxBodySize = maxBodySize
        self.seen = ExpiringSet(lifetime: .seconds(Int64(2 * ClusterKey.maxSkew) + 1))
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path == "/_ksan/health" || path == "/metrics" { return try await next(request, context) }
        var request = request
        let body = try await request.body.collect(upTo: maxBodySize)
        let nonce = request.headers[HTTPField.Name(ClusterKey.nonceHeader)!]
        let valid = key.verify(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "",
            bodyDigest: ClusterKey.bodyDigest(body), date: request.headers[HTTPField.Name(ClusterKey.dateHeader)!],
            nonce: nonce, signature: request.headers[HTTPField.Name(ClusterKey.signatureHeader)!])
        guard valid, let nonce else { return refuse(context, path: path, reason: "no valid cluster key signature") }
        // Check and record in one step, so two copies of one request racing each other cannot both pass.
        guard seen.insertIfAbsent(nonce) else { return refuse(context, path: path, reason: "replayed request") }
        request.body = RequestBody(buffer: body)
        return try await next(request, context)
    }

    func refuse(_ context: Context, path: String, reason: String) -> Response {
        context.logger.warning("internal request refused", metadata: ["path": "\(path)", "reason": "\(reason)"])
        return Response(
            status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: "refused: \(reason)\n")))
    }
}
