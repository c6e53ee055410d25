/// The cluster's message bus, as every service uses it: RabbitMQ in a cluster (``RabbitMQBus``), ``InProcessBus`` in
/// a single process and in unit tests.
public protocol MessageBus: Sendable {
    /// Publishes an event; returns once the bus has accepted it (for RabbitMQ: confirmed, so that it survives a
    /// broker restart in the durable queues it reached). Throws ``BusError`` when it could not within its limit.
    func publish(_ event: BusEvent) async throws
    /// The events of `exchange` whose routing keys match `pattern`, from now on, until the sequence is dropped or
    /// its task cancelled. What is published while a subscriber is disconnected does not reach it: for events that
    /// must not be missed, use ``consume(queue:bindings:prefetch:)``.
    func subscribe(exchange: String, pattern: TopicPattern) async throws -> AsyncStream<BusEvent>
    /// The events of a durable work queue named `queue` (declared with `bindings` if it does not exist), which keeps
    /// them while no consumer runs; each stays the consumer's until acknowledged. Several consumers of one queue
    /// share its events.
    func consume(queue: String, bindings: [QueueBinding], prefetch: Int) async throws -> AsyncStream<BusDelivery>
}
