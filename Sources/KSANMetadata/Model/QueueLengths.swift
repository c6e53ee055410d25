/// The lengths of the cluster's background queues.
public struct QueueLengths: Codable, Sendable, Hashable {
    /// Data waiting for repair.
    public var repair: Int64
    /// Data waiting for garbage collection.
    public var garbage: Int64
    /// Events not yet confirmed by the bus.
    public var outbox: OutboxBacklog

    /// Creates the figures.
    public init(repair: Int64, garbage: Int64, outbox: OutboxBacklog) {
        self.repair = repair
        self.garbage = garbage
        self.outbox = outbox
    }
}
