/// Background work done in passes: garbage collection, repair, and later rebuild, lifecycle and replication.
///
/// A pass takes a batch of queued work, does what it can and acknowledges it; what fails stays queued for a later
/// pass. A pass is safe to stop at any point (a killed worker leaves work queued, never half acknowledged), and
/// several workers may run passes at once. ``WorkerService`` runs one on a ``WorkerSchedule``.
public protocol Worker: Sendable {
    /// The name in logs and metrics (`garbage-collection`, `repair`).
    var name: String { get }
    /// Runs one pass.
    func pass() async throws -> PassOutcome
}
