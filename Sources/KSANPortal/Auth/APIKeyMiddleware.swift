import HTTPTypes
import Hummingbird
import KSANMetadata

/// Every route but the health check, the OpenAPI document, `/metrics`, a host's join (its token is its credential)
/// and the users' credential API (`/v2.0/`) needs an API key, in `Authorization: Bearer <key>` or
/// `X-API-Key: <key>`. A missing, malformed, unknown or wrong key is 401 `Unauthorized`, with nothing more said.
public struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: PostgresMetadataStore
    /// Paths served without a key.
    static var openPaths: Set<String> { ["/api/v1/health", "/api/v1/openapi.json", "/metrics", JoinRoutes.joinPath] }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // The credential API checks users' tokens instead (CredentialRoutes).
        if Self.openPaths.contains(request.uri.path) || request.uri.path.hasPrefix(CredentialRoutes.prefix) {
            return try await next(request, context)
        }
        guard let text = Self.presentedKey(request), let key = APIKey(text),
            let record = try await store.apiKey(id: key.id), key.matches(record)
        else {
            throw PortalError.unauthorized
        }
        return try await next(request, context)
    }

    static func presentedKey(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let prefix = "Bearer "
            guard authorization.hasPrefix(prefix) else { return nil }
            return String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        if let name = HTTPField.Name("X-API-Key"), let value = request.headers[name] { return value }
        return nil
    }
}
