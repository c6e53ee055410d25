/// The decisions of one stripe's shard writes, without I/O: when the stripe is durable enough to acknowledge, how
/// long the slower writes may go on after that, and when to give up.
///
/// Every shard is attempted at once. Once `quorum` are durable and some are still running, the rest get a grace
/// period of `writeGrace`, or twice the time the quorum took if that is longer (a loaded but healthy host finishes
/// its write), and are abandoned when it ends. The writes stop early once the quorum can no longer be reached.
public struct ShardWriteQuorum: Sendable {
    /// What the writer does next.
    public enum Action: Sendable, Equatable {
        /// Wait for the next write to end.
        case wait
        /// Start the grace period of the writes still running, then wait.
        case startGrace(Duration)
        /// Stop: every write ended, the grace period is over, or the quorum cannot be reached. Cancel the rest.
        case stop
    }

    /// Shards that must be durable.
    public let quorum: Int
    /// The least grace period.
    public let writeGrace: Duration
    /// Writes not ended yet.
    public private(set) var running: Int
    /// Writes that ended durable.
    public private(set) var durable = 0
    private var graceStarted = false

    /// The writes of `width` shards, of which `quorum` must be durable.
    public init(width: Int, quorum: Int, writeGrace: Duration) {
        self.running = width
        self.quorum = quorum
        self.writeGrace = writeGrace
    }

    /// Whether the stripe may be acknowledged.
    public var reachedQuorum: Bool { durable >= quorum }

    /// What to do before the first write ends: stop at once if the quorum is out of reach (no shards, or too few).
    public var initialAction: Action { running < quorum ? .stop : .wait }

    /// One write ended, `elapsed` after the writes started.
    public mutating func writeEnded(durable wasDurable: Bool, elapsed: Duration) -> Action {
        running -= 1
        if wasDurable { durable += 1 }
        if running == 0 || durable + running < quorum { return .stop }
        if durable >= quorum, !graceStarted {
            graceStarted = true
            return .startGrace(max(writeGrace, elapsed * 2))
        }
        return .wait
    }

    /// The grace period ended: the writes still running are abandoned.
    public mutating func graceEnded() -> Action { .stop }
}
