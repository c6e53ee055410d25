/// The cluster's message bus, as every service uses it: RabbitMQ in a cluster, ``InProcessBus`` in a single process
/// and in unit tests.
public protocol MessageBus: Sendable {
    /// Publishes an event; returns once the bus has accepted it (for RabbitMQ: confirmed).
    func publish(_ event: BusEvent) async throws
    /// The events of `exchange` whose routing keys match `pattern`, from now on, until the sequence is dropped or
    /// its task cancelled.
    func subscribe(exchange: String, pattern: TopicPattern) async throws -> AsyncStream<BusEvent>
}
