import Logging
import ServiceLifecycle

/// The loop of a background service that works in passes (garbage collection, repair, scrub).
public enum Periodic {
    /// Runs `pass` again and again, `interval` after the end of the previous pass, until the task is cancelled or
    /// the service group shuts down gracefully (which also cuts the pause short). A pass that throws is logged as
    /// "`<name>` pass failed" and the next one still runs.
    /// - Parameter pauseFirst: whether to wait `interval` before the first pass too.
    public static func run(
        every interval: Duration, pauseFirst: Bool = false, name: String, logger: Logger,
        _ pass: () async throws -> Void
    ) async {
        var pause = pauseFirst
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if pause {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
            }
            pause = true
            do {
                try await pass()
            } catch {
                logger.warning("\(name) pass failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
