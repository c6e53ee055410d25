/// What the outbox holds: events not yet confirmed by the bus.
public struct OutboxBacklog: Sendable, Hashable, Codable {
    /// How many events wait.
    public var pending: Int64
    /// The age of the oldest, in seconds (0 when none waits).
    public var oldestAgeSeconds: Double

    /// Creates a backlog figure.
    public init(pending: Int64, oldestAgeSeconds: Double) {
        self.pending = pending
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}
