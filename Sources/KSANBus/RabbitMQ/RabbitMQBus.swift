import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The cluster's ``MessageBus`` on RabbitMQ (AMQP 0-9-1 through librabbitmq). librabbitmq's calls block, so every
/// connection lives on a thread of its own, never on an event loop or the Swift concurrency pool: one publisher
/// thread (publisher confirms; ``publish(_:)`` returns once the broker confirmed) and one thread per subscription or
/// work-queue consumer. Each reconnects with backoff; S3 traffic never waits for the broker (events that must not be
/// lost go through the metadata service's outbox). Exchanges are durable topic exchanges; work queues are durable
/// quorum queues; messages are persistent.
///
/// Run it in the service group (it stops its threads at shutdown) or call ``shutdown()``.
public final class RabbitMQBus: MessageBus, Service {
    public let configuration: RabbitMQConfiguration
    private let logger: Logger
    private let publisher: RabbitMQPublisher
    private let running = NIOLockedValueBox([ObjectIdentifier: RabbitMQConsumer]())

    /// A bus that connects on first use.
    public init(configuration: RabbitMQConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.publisher = RabbitMQPublisher(configuration: configuration, logger: logger)
    }

    /// Whether the publisher holds a working connection to the broker.
    public var isConnected: Bool { publisher.isConnected }

    /// Publications waiting for the broker (reconnecting or unconfirmed).
    public var waitingPublications: Int { publisher.waiting }

    public func publish(_ event: BusEvent) async throws {
        try await publisher.publish(event)
    }

    public func subscribe(exchange: String, pattern: TopicPattern) async throws -> AsyncStream<BusEvent> {
        let (stream, continuation) = AsyncStream<BusEvent>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let consumer = RabbitMQConsumer(
            configuration: configuration, source: .subscription(QueueBinding(exchange: exchange, pattern: pattern)),
            logger: logger, finish: { continuation.finish() }
        ) { message, _ in
            continuation.yield(Self.event(from: message))
        }
        await start(consumer, finishing: continuation)
        return stream
    }

    public func consume(queue: String, bindings: [QueueBinding], prefetch: Int = 100) async throws
        -> AsyncStream<BusDelivery>
    {
        precondition(!queue.isEmpty, "a work queue has a name")
        let (stream, continuation) = AsyncStream<BusDelivery>.makeStream()
        let consumer = RabbitMQConsumer(
            configuration: configuration, source: .queue(name: queue, bindings: bindings, prefetch: prefetch),
            logger: logger, finish: { continuation.finish() }
        ) { message, acknowledge in
            continuation.yield(
                BusDelivery(event: Self.event(from: message), redelivered: message.redelivered) { acknowledge?() })
        }
        await start(consumer, finishing: continuation)
        return stream
    }

    /// Stops every thread: waiting publications fail with ``BusError/closed``, streams finish.
    public func shutdown() {
        publisher.shutdown()
        let all = running.withLockedValue { running in
            defer { running = [:] }
            return Array(running.values)
        }
        for consumer in all { consumer.stop() }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        shutdown()
    }

    private func start<Element>(_ consumer: RabbitMQConsumer, finishing continuation: AsyncStream<Element>.Continuation)
        async
    {
        let key = ObjectIdentifier(consumer)
        running.withLockedValue { $0[key] = consumer }
        continuation.onTermination = { [weak self] _ in
            consumer.stop()
            _ = self?.running.withLockedValue { $0.removeValue(forKey: key) }
        }
        await consumer.start()
    }

    static func event(from message: AMQPMessage) -> BusEvent {
        BusEvent(
            id: message.messageId.isEmpty ? UUID().uuidString.lowercased() : message.messageId,
            exchange: message.exchange, routingKey: message.routingKey, payload: message.body,
            occurredAt: Double(message.occurredAt).map(Date.init(timeIntervalSince1970:)) ?? Date())
    }
}
