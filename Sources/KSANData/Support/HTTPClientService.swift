import AsyncHTTPClient
import ServiceLifecycle

/// Shuts an HTTP client down when the service group stops: put it first in the group, so that it stops last, after
/// every service that calls through it.
public struct HTTPClientService: Service {
    let client: HTTPClient

    /// A service owning `client`.
    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
