/// What a durable work queue receives: the events of `exchange` whose routing keys match `pattern`.
public struct QueueBinding: Sendable, Hashable {
    /// The exchange (``BusExchange``).
    public var exchange: String
    /// The routing keys it takes.
    public var pattern: TopicPattern

    /// Creates a binding.
    public init(exchange: String, pattern: TopicPattern) {
        self.exchange = exchange
        self.pattern = pattern
    }
}
