import KSANCore
import Logging
import Metrics
import ServiceLifecycle

/// Runs a ``Worker``'s passes on its ``WorkerSchedule`` until the task is cancelled or the service group shuts down
/// gracefully (which also cuts a pause short). Counts passes by outcome in `ksan_worker_passes_total{worker,outcome}`
/// (`busy`, `idle`, `throttled`, `failed`).
public struct WorkerService: Service {
    let worker: any Worker
    let idleInterval: Duration
    let maxBackoff: Duration
    let logger: Logger

    /// A service running `worker`, idle for `idleInterval` between passes that found nothing to do.
    public init(_ worker: any Worker, idleInterval: Duration, maxBackoff: Duration = .seconds(300), logger: Logger) {
        self.worker = worker
        self.idleInterval = idleInterval
        self.maxBackoff = maxBackoff
        self.logger = logger
    }

    public func run() async throws {
        var schedule = WorkerSchedule(idleInterval: idleInterval, maxBackoff: maxBackoff)
        await Periodic.loop {
            do {
                let outcome = try await worker.pass()
                count(outcome.label)
                return schedule.pause(after: outcome)
            } catch {
                count("failed")
                let pause = schedule.pauseAfterFailure()
                logger.warning(
                    "\(worker.name) pass failed",
                    metadata: [
                        "error": "\(error)", "ksan.failures": "\(schedule.failures)", "ksan.retry_in": "\(pause)",
                    ])
                return pause
            }
        }
    }

    private func count(_ outcome: String) {
        Counter(label: "ksan_worker_passes_total", dimensions: [("worker", worker.name), ("outcome", outcome)])
            .increment()
    }
}
