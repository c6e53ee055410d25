import NIOConcurrencyHelpers

/// A ``MessageBus`` inside one process: topic-exchange routing without a broker, for a single-process deployment and
/// for fast unit tests. Publication is delivered to every matching subscriber and queue before `publish` returns.
/// Subscribers are buffered up to `bufferSize` events each (the oldest are dropped beyond it, as a slow consumer of a
/// bounded queue would lose them). Work queues keep what arrives while no consumer runs, without limit; nothing
/// survives the process.
public final class InProcessBus: MessageBus {
    struct Subscriber {
        var exchange: String
        var pattern: TopicPattern
        var continuation: AsyncStream<BusEvent>.Continuation
    }

    struct WorkQueue {
        var bindings: [QueueBinding]
        var waiting: [BusEvent] = []
        var consumers: [Int: AsyncStream<BusDelivery>.Continuation] = [:]
        var next = 0

        func takes(_ event: BusEvent) -> Bool {
            bindings.contains { $0.exchange == event.exchange && $0.pattern.matches(event.routingKey) }
        }
    }

    struct State {
        var subscribers: [Int: Subscriber] = [:]
        var queues: [String: WorkQueue] = [:]
        var nextId = 0
    }

    private let state = NIOLockedValueBox(State())
    let bufferSize: Int

    /// Creates a bus with no subscribers.
    public init(bufferSize: Int = 10_000) {
        self.bufferSize = bufferSize
    }

    public func publish(_ event: BusEvent) async throws {
        let (matching, deliveries) = state.withLockedValue { state in
            let matching = state.subscribers.values.filter {
                $0.exchange == event.exchange && $0.pattern.matches(event.routingKey)
            }
            var deliveries: [AsyncStream<BusDelivery>.Continuation] = []
            for name in state.queues.keys where state.queues[name]!.takes(event) {
                // Consumers of one queue share it: round robin.
                let consumers = state.queues[name]!.consumers.sorted { $0.key < $1.key }.map(\.value)
                if consumers.isEmpty {
                    state.queues[name]!.waiting.append(event)
                } else {
                    deliveries.append(consumers[state.queues[name]!.next % consumers.count])
                    state.queues[name]!.next += 1
                }
            }
            return (matching, deliveries)
        }
        for subscriber in matching { subscriber.continuation.yield(event) }
        for consumer in deliveries { consumer.yield(BusDelivery(event: event, redelivered: false) {}) }
    }

    public func subscribe(exchange: String, pattern: TopicPattern) async throws -> AsyncStream<BusEvent> {
        let (stream, continuation) = AsyncStream<BusEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLockedValue { state in
            state.nextId += 1
            state.subscribers[state.nextId] = Subscriber(
                exchange: exchange, pattern: pattern, continuation: continuation)
            return state.nextId
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLockedValue { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    public func consume(queue: String, bindings: [QueueBinding], prefetch: Int) async throws
        -> AsyncStream<BusDelivery>
    {
        let (stream, continuation) = AsyncStream<BusDelivery>.makeStream()
        let (id, waiting) = state.withLockedValue { state in
            state.nextId += 1
            var workQueue = state.queues[queue] ?? WorkQueue(bindings: [])
            for binding in bindings where !workQueue.bindings.contains(binding) { workQueue.bindings.append(binding) }
            workQueue.consumers[state.nextId] = continuation
            let waiting = workQueue.waiting
            workQueue.waiting = []
            state.queues[queue] = workQueue
            return (state.nextId, waiting)
        }
        for event in waiting { continuation.yield(BusDelivery(event: event, redelivered: false) {}) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLockedValue { $0.queues[queue]?.consumers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many subscriptions are open.
    public var subscriberCount: Int { state.withLockedValue { $0.subscribers.count } }
}
