import Logging
import ServiceLifecycle

/// How every KSAN process runs its services: in one `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT,
/// with bounds, so that nothing in flight can keep a process from stopping: after `gracefulShutdown` (30 s) the
/// services still running are cancelled, and after a further `cancellation` (10 s) the group gives up on them and
/// the process exits. A request stuck on a dead database connection, for example, cannot hold a stop for ever.
public enum ProcessLifecycle {
    /// Runs `services` until a signal (or one of them ending) stops them.
    public static func run(
        _ services: [any Service], logger: Logger, gracefulShutdown: Duration = .seconds(30),
        cancellation: Duration = .seconds(10)
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdown
        configuration.maximumCancellationDuration = cancellation
        try await ServiceGroup(configuration: configuration).run()
    }
}
