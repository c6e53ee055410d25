import Hummingbird
import Logging

/// An HTTP server of its own for `GET /metrics`, for a service whose main port has no path to spare (the gateway's
/// serves S3 on every path).
public func metricsApplication(listen: HostPort, serverName: String, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    router.get("metrics") { _, _ in MetricsExporter.response() }
    return Application(
        router: router,
        configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: serverName),
        logger: logger)
}
