import Foundation
import Logging

/// The publishing side of ``RabbitMQBus``: one dedicated thread owning one confirm-mode connection. Publications
/// queue here; the thread sends them in batches and resumes each caller when the broker confirms it. A lost
/// connection or a negative confirm sends the publication again after reconnecting (consumers drop the duplicate by
/// the event's id), until its time limit, when the caller gets ``BusError``.
final class RabbitMQPublisher: @unchecked Sendable {
    struct Pending {
        var ticket: Int
        var event: BusEvent
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
        var refused = false
    }

    private let configuration: RabbitMQConfiguration
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Pending] = []
    private var stopped = false
    private var thread: Thread?
    private var connected = false
    private var tickets = 0

    /// The most publications sent before their confirms are awaited.
    static let batchSize = 500

    init(configuration: RabbitMQConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether the thread holds a working connection.
    var isConnected: Bool {
        condition.lock()
        defer { condition.unlock() }
        return connected
    }

    /// Publications waiting for the broker.
    var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    func publish(_ event: BusEvent) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.publishTimeout * 1000))
        let ticket = takeTicket()
        try await withTaskCancellationHandler {
            try await enqueue(event, ticket: ticket, deadline: deadline)
        } onCancel: {
            // Still waiting (not sent yet): withdrawn at once. Already sent: its confirm comes within the
            // operation timeout.
            condition.lock()
            let index = queue.firstIndex { $0.ticket == ticket }
            let withdrawn = index.map { queue.remove(at: $0) }
            condition.unlock()
            withdrawn?.continuation.resume(throwing: CancellationError())
        }
    }

    private func takeTicket() -> Int {
        condition.lock()
        defer { condition.unlock() }
        tickets += 1
        return tickets
    }

    private func enqueue(_ event: BusEvent, ticket: Int, deadline: ContinuousClock.Instant) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            defer { condition.unlock() }
            if stopped {
                continuation.resume(throwing: BusError.closed)
                return
            }
            if Task.isCancelled {
                continuation.resume(throwing: CancellationError())
                return
            }
            queue.append(Pending(ticket: ticket, event: event, deadline: deadline, continuation: continuation))
            if thread == nil {
                let thread = Thread { [self] in run() }
                thread.name = "ksan-bus-publisher"
                self.thread = thread
                thread.start()
            }
            condition.signal()
        }
    }

    /// Stops the thread; waiting publications fail with ``BusError/closed``.
    func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var connection: AMQPConnection?
        var backoff = 0.1
        var lastFailure = ""
        var sequence: UInt64 = 0
        while true {
            condition.lock()
            while queue.isEmpty && !stopped {
                if let idle = connection {
                    // Idle: read what the broker sent, which also answers its heartbeats.
                    condition.unlock()
                    do { _ = try idle.nextConfirm(timeout: 0) } catch {
                        lastFailure = "\(error)"
                        logger.warning("message bus connection lost", metadata: ["reason": "\(error)"])
                        connection = nil
                    }
                    condition.lock()
                    connected = connection != nil
                    if !queue.isEmpty || stopped { break }
                }
                _ = condition.wait(until: Date().addingTimeInterval(1))
            }
            if stopped {
                let abandoned = queue
                queue = []
                connected = false
                condition.unlock()
                for item in abandoned { item.continuation.resume(throwing: BusError.closed) }
                return
            }
            let expired = takeExpired()
            condition.unlock()
            let reason = lastFailure.isEmpty ? "not confirmed within the time limit" : lastFailure
            for item in expired {
                item.continuation.resume(
                    throwing: item.refused ? BusError.refused(reason) : BusError.unavailable(reason))
            }

            if connection == nil {
                do {
                    connection = try connect()
                    sequence = 0
                    backoff = 0.1
                    lastFailure = ""
                    logger.info("message bus connected", metadata: ["broker": "\(configuration.endpointDescription)"])
                } catch {
                    // Said once per outage at warning level; each retry at debug.
                    logger.log(
                        level: lastFailure.isEmpty ? .warning : .debug, "message bus unreachable",
                        metadata: ["reason": "\(error)", "retry_in_s": "\(backoff)"])
                    lastFailure = "\(error)"
                    pause(backoff)
                    backoff = min(backoff * 2, configuration.maxBackoff)
                    continue
                }
            }
            guard let live = connection else { continue }
            condition.lock()
            connected = true
            let batch = Array(queue.prefix(Self.batchSize))
            queue.removeFirst(batch.count)
            condition.unlock()
            if batch.isEmpty { continue }

            var unconfirmed: [UInt64: Pending] = [:]
            var unsent = batch[...]
            do {
                while let item = unsent.first {
                    try live.publish(
                        exchange: item.event.exchange, routingKey: item.event.routingKey, messageId: item.event.id,
                        occurredAt: "\(item.event.occurredAt.timeIntervalSince1970)", body: item.event.payload)
                    sequence += 1
                    unconfirmed[sequence] = item
                    unsent = unsent.dropFirst()
                }
                let confirmDeadline = ContinuousClock.now + .milliseconds(Int(configuration.operationTimeout * 1000))
                var refused: [Pending] = []
                while !unconfirmed.isEmpty {
                    let left = confirmDeadline - ContinuousClock.now
                    guard left > .zero else { throw AMQPError("no confirm within \(configuration.operationTimeout) s") }
                    guard let confirm = try live.nextConfirm(timeout: left.seconds) else { continue }
                    let tags = confirm.multiple ? unconfirmed.keys.filter { $0 <= confirm.tag } : [confirm.tag]
                    for tag in tags {
                        guard var item = unconfirmed.removeValue(forKey: tag) else { continue }
                        if confirm.ack {
                            item.continuation.resume()
                        } else {
                            item.refused = true
                            refused.append(item)
                        }
                    }
                }
                if !refused.isEmpty {
                    lastFailure = "negative confirm"
                    requeue(refused)
                }
            } catch {
                lastFailure = "\(error)"
                logger.warning("message bus connection lost", metadata: ["reason": "\(error)"])
                connection = nil
                condition.lock()
                connected = false
                condition.unlock()
                requeue(unconfirmed.sorted { $0.key < $1.key }.map(\.value) + Array(unsent))
                pause(backoff)
            }
        }
    }

    private func connect() throws -> AMQPConnection {
        let connection = try AMQPConnection(configuration)
        try connection.declareTopicExchange(BusExchange.control)
        try connection.declareTopicExchange(BusExchange.objects)
        try connection.selectConfirms()
        return connection
    }

    // Call with `condition` locked.
    private func takeExpired() -> [Pending] {
        let now = ContinuousClock.now
        let expired = queue.filter { $0.deadline <= now }
        if !expired.isEmpty { queue.removeAll { $0.deadline <= now } }
        return expired
    }

    private func requeue(_ items: [Pending]) {
        condition.lock()
        queue.insert(contentsOf: items, at: 0)
        condition.unlock()
    }

    /// Sleeps up to `seconds`, waking early on shutdown.
    private func pause(_ seconds: Double) {
        condition.lock()
        if !stopped { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
        condition.unlock()
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
