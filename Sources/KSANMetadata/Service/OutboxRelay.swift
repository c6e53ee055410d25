import Foundation
import KSANBus
import KSANCore
import Logging
import ServiceLifecycle

/// Publishes the outbox's events to the bus and deletes each once confirmed (the relay of the transactional
/// outbox). While the bus is unreachable, events wait in the outbox: nothing is lost, S3 writes go on, and the
/// backlog shows in ``PostgresMetadataStore/outboxBacklog()``. Delivery is at least once (an event published but not
/// yet deleted when the relay stops is published again): consumers drop duplicates by event id.
///
/// Several relays (one per metadata service) may run: each takes rows the others do not hold.
public struct OutboxRelay: Service {
    let store: PostgresMetadataStore
    let bus: any MessageBus
    let logger: Logger
    /// The most events taken per transaction.
    let batchSize: Int
    /// The pause when the outbox is empty.
    let idleInterval: Duration
    /// Signalled once the schema is migrated: the relay starts after it.
    let ready: ReadinessSignal?

    /// Creates a relay.
    public init(
        store: PostgresMetadataStore, bus: any MessageBus, logger: Logger, batchSize: Int = 500,
        idleInterval: Duration = .milliseconds(100), ready: ReadinessSignal? = nil
    ) {
        self.store = store
        self.bus = bus
        self.logger = logger
        self.batchSize = batchSize
        self.idleInterval = idleInterval
        self.ready = ready
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await ready?.wait()
            await relay()
        }
    }

    func relay() async {
        var backoff = Duration.milliseconds(100)
        var failing = false
        while !Task.isCancelled {
            do {
                let count = try await store.relayEvents(limit: batchSize) { events in
                    try await publish(events)
                }
                if failing {
                    logger.info("outbox relay publishing again")
                    failing = false
                }
                backoff = .milliseconds(100)
                if count < batchSize { try await Task.sleep(for: idleInterval) }
            } catch is CancellationError {
                return
            } catch {
                if !failing {
                    logger.warning(
                        "outbox relay cannot publish; events wait in the outbox", metadata: ["reason": "\(error)"])
                    failing = true
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    func publish(_ events: [OutboxEvent]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for event in events {
                group.addTask {
                    try await bus.publish(
                        BusEvent(
                            id: event.id, exchange: event.exchange, routingKey: event.routingKey,
                            payload: event.payload, occurredAt: event.occurredAt))
                }
            }
            try await group.waitForAll()
        }
    }
}
