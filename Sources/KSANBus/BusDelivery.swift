/// An event taken from a durable work queue. It stays the consumer's until ``ack()``: a consumer that stops or loses
/// its connection before acknowledging gets it again (``redelivered``), or another consumer of the queue does.
public struct BusDelivery: Sendable {
    /// The event.
    public let event: BusEvent
    /// Whether the broker delivered it before, to a consumer that did not acknowledge it.
    public let redelivered: Bool
    let acknowledge: @Sendable () -> Void

    /// Creates a delivery whose acknowledgement runs `acknowledge`.
    public init(event: BusEvent, redelivered: Bool, acknowledge: @escaping @Sendable () -> Void) {
        self.event = event
        self.redelivered = redelivered
        self.acknowledge = acknowledge
    }

    /// Tells the broker the event was handled: it is removed from the queue.
    public func ack() { acknowledge() }
}
