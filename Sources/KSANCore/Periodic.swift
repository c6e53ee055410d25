import Logging
import ServiceLifecycle

/// The loop of a background service that works in passes (the heartbeat, the scrub, the workers' passes).
public enum Periodic {
    /// Runs `step` again and again until the task is cancelled or the service group shuts down gracefully, pausing
    /// after each step for as long as it returns (a graceful shutdown cuts the pause short; zero: the next step at
    /// once).
    public static func loop(_ step: () async -> Duration) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let pause = await step()
            if pause > .zero {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } else {
                await Task.yield()
            }
        }
    }

    /// Runs `pass` again and again, `interval` after the end of the previous pass, until the task is cancelled or
    /// the service group shuts down gracefully (which also cuts the pause short). A pass that throws is logged as
    /// "`<name>` pass failed" and the next one still runs.
    /// - Parameter pauseFirst: whether to wait `interval` before the first pass too.
    public static func run(
        every interval: Duration, pauseFirst: Bool = false, name: String, logger: Logger,
        _ pass: () async throws -> Void
    ) async {
        if pauseFirst {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        await loop {
            do {
                try await pass()
            } catch {
                logger.warning("\(name) pass failed", metadata: ["error": "\(error)"])
            }
            return interval
        }
    }
}
