import Foundation
import Logging

/// One consumer of ``RabbitMQBus``: a dedicated thread owning its own connection, which declares what it reads
/// (a server-named queue deleted with the connection for a subscription; a durable quorum queue for work), binds it,
/// and hands each message to `deliver`. It reconnects with backoff until stopped. Acknowledgements are queued by any
/// thread and sent by this one; those of a connection that was lost are dropped (the broker delivers the message
/// again).
final class RabbitMQConsumer: @unchecked Sendable {
    enum Source {
        /// A subscription: a fresh queue per connection, messages taken as sent.
        case subscription(QueueBinding)
        /// A durable work queue and its bindings, with up to `prefetch` messages unacknowledged.
        case queue(name: String, bindings: [QueueBinding], prefetch: Int)
    }

    private let configuration: RabbitMQConfiguration
    private let source: Source
    private let logger: Logger
    private let deliver: @Sendable (AMQPMessage, _ acknowledge: (@Sendable () -> Void)?) -> Void
    private let finish: @Sendable () -> Void
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var stopped = false
    private var attempted = false
    private var acks: [(generation: Int, tag: UInt64)] = []

    init(
        configuration: RabbitMQConfiguration, source: Source, logger: Logger, finish: @escaping @Sendable () -> Void,
        deliver: @escaping @Sendable (AMQPMessage, (@Sendable () -> Void)?) -> Void
    ) {
        self.configuration = configuration
        self.source = source
        self.logger = logger
        self.deliver = deliver
        self.finish = finish
    }

    /// Starts the thread and waits (without blocking a Swift concurrency thread) until its first connection has
    /// bound the queue, or failed (it then keeps trying in the background).
    func start() async {
        let thread = Thread { [self] in run() }
        thread.name = "ksan-bus-consumer"
        thread.start()
        while !hasAttempted { try? await Task.sleep(for: .milliseconds(5)) }
    }

    private var hasAttempted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return attempted || stopped
    }

    /// Stops the thread (within a read timeout).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    private func run() {
        defer { finish() }
        var backoff = 0.1
        var generation = 0
        while !isStopped {
            do {
                let connection = try AMQPConnection(configuration)
                generation += 1
                let acknowledged: Bool
                let queue: String
                switch source {
                case .subscription(let binding):
                    try connection.declareTopicExchange(binding.exchange)
                    queue = try connection.declareQueue("")
                    try connection.bind(queue: queue, exchange: binding.exchange, pattern: binding.pattern.description)
                    try connection.consume(queue: queue, prefetch: 0, acknowledged: false)
                    acknowledged = false
                case .queue(let name, let bindings, let prefetch):
                    queue = try connection.declareQueue(name)
                    for binding in bindings {
                        try connection.declareTopicExchange(binding.exchange)
                        try connection.bind(
                            queue: queue, exchange: binding.exchange, pattern: binding.pattern.description)
                    }
                    try connection.consume(queue: queue, prefetch: prefetch, acknowledged: true)
                    acknowledged = true
                }
                markAttempted()
                backoff = 0.1
                logger.debug("message bus consumer ready", metadata: ["queue": "\(queue)"])
                while !isStopped {
                    for tag in takeAcks(generation: generation) { try connection.ack(tag) }
                    guard let message = try connection.nextMessage(timeout: 0.2) else { continue }
                    if acknowledged {
                        let current = generation
                        deliver(message) { [weak self] in self?.queueAck(generation: current, tag: message.deliveryTag)
                        }
                    } else {
                        deliver(message, nil)
                    }
                }
                for tag in takeAcks(generation: generation) { try connection.ack(tag) }
            } catch {
                markAttempted()
                // Said once per outage at warning level; each retry at debug.
                logger.log(
                    level: backoff == 0.1 ? .warning : .debug, "message bus consumer disconnected",
                    metadata: ["reason": "\(error)", "retry_in_s": "\(backoff)"])
                condition.lock()
                if !stopped { _ = condition.wait(until: Date().addingTimeInterval(backoff)) }
                condition.unlock()
                backoff = min(backoff * 2, configuration.maxBackoff)
            }
        }
    }

    private func markAttempted() {
        condition.lock()
        attempted = true
        condition.unlock()
    }

    private func queueAck(generation: Int, tag: UInt64) {
        condition.lock()
        acks.append((generation, tag))
        condition.unlock()
    }

    private func takeAcks(generation: Int) -> [UInt64] {
        condition.lock()
        defer { condition.unlock() }
        let current = acks.filter { $0.generation == generation }.map(\.tag)
        acks = []
        return current
    }
}
