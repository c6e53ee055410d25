import NIOConcurrencyHelpers

/// A ``MessageBus`` inside one process: topic-exchange routing without a broker, for a single-process deployment and
/// for fast unit tests. Publication is delivered to every matching subscriber before `publish` returns (buffered
/// per subscriber, up to `bufferSize` events; the oldest are dropped beyond it, as a slow consumer of a bounded
/// queue would lose them: consumers that must not lose events use the durable queues of the real bus).
public final class InProcessBus: MessageBus {
    struct Subscriber {
        var exchange: String
        var pattern: TopicPattern
        var continuation: AsyncStream<BusEvent>.Continuation
    }

    private let subscribers = NIOLockedValueBox([Int: Subscriber]())
    private let nextId = NIOLockedValueBox(0)
    let bufferSize: Int

    /// Creates a bus with no subscribers.
    public init(bufferSize: Int = 10_000) {
        self.bufferSize = bufferSize
    }

    public func publish(_ event: BusEvent) async throws {
        let matching = subscribers.withLockedValue { subscribers in
            subscribers.values.filter { $0.exchange == event.exchange && $0.pattern.matches(event.routingKey) }
        }
        for subscriber in matching { subscriber.continuation.yield(event) }
    }

    public func subscribe(exchange: String, pattern: TopicPattern) async throws -> AsyncStream<BusEvent> {
        let id = nextId.withLockedValue { value in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream<BusEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLockedValue { $0.removeValue(forKey: id) }
        }
        subscribers.withLockedValue {
            $0[id] = Subscriber(exchange: exchange, pattern: pattern, continuation: continuation)
        }
        return stream
    }

    /// How many subscriptions are open.
    public var subscriberCount: Int { subscribers.withLockedValue { $0.count } }
}
