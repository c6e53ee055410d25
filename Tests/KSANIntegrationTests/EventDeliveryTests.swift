import Foundation
import KSANBus
import KSANMetadata
import KSANTestSupport
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// The issue's proofs of the bus and the outbox, over real executables and a real RabbitMQ: a broker restart in the
/// middle of S3 writes, and 1,000 writes while the broker is down. S3 writes never wait for the broker; every event
/// of an acknowledged write reaches a consumer of a durable queue (at least once: duplicates are dropped by id).
@Suite("Object events through the outbox and RabbitMQ", .serialized)
struct EventDeliveryTests {
    /// What a consumer received: every delivery, and the distinct events by id.
    final class Received: Sendable {
        let state = NIOLockedValueBox((deliveries: 0, byId: [String: ObjectEvent]()))

        func add(_ event: BusEvent) {
            let body = try? JSONDecoder().decode(ObjectEvent.self, from: event.payload)
            state.withLockedValue { state in
                state.deliveries += 1
                if let body { state.byId[event.id] = body }
            }
        }

        /// The keys of distinct `ObjectCreated` events, with how many distinct events each has.
        func createdKeys(prefix: String) -> [String: Int] {
            state.withLockedValue { state in
                var keys: [String: Int] = [:]
                for body in state.byId.values where body.eventName.hasPrefix("ObjectCreated") {
                    if let key = body.key, key.hasPrefix(prefix) { keys[key, default: 0] += 1 }
                }
                return keys
            }
        }
    }

    @Test("a broker restart during writes and 1,000 writes while it is down lose no event")
    func eventsSurviveBrokerOutages() async throws {
        let broker = try PrivateBroker.start()
        defer { broker.destroy() }
        var configuration = try RabbitMQConfiguration(url: broker.url)
        configuration.maxBackoff = 0.5
        configuration.publishTimeout = 120
        let consumerBus = RabbitMQBus(configuration: configuration, logger: TestCluster.logger)
        defer { consumerBus.shutdown() }
        let received = Received()
        let stream = try await consumerBus.consume(
            queue: "ksan.test.object-events",
            bindings: [QueueBinding(exchange: BusExchange.objects, pattern: TopicPattern("#"))], prefetch: 200)
        let consumer = Task {
            for await delivery in stream {
                received.add(delivery.event)
                delivery.ack()
            }
        }
        defer { consumer.cancel() }

        try await TestCluster.with(amqpURL: broker.url) { cluster in
            #expect(try await cluster.s3("PUT", "/events").status == 200)

            // 1. The broker restarts while four writers put 100 objects each: every write is acknowledged.
            let acknowledged = NIOLockedValueBox([String]())
            let writers = (0..<4).map { writer in
                Task {
                    for index in 0..<100 {
                        let key = "restart/w\(writer)-\(index)"
                        let reply = try await cluster.s3("PUT", "/events/\(key)", body: ByteBuffer(string: key))
                        if reply.status == 200 { acknowledged.withLockedValue { $0.append(key) } }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            try broker.stop()
            try broker.start()
            for writer in writers { try await writer.value }
            let written = acknowledged.withLockedValue { $0 }
            #expect(written.count == 400)
            try await waitUntil("every acknowledged write's event delivered", timeout: .seconds(90)) {
                Set(received.createdKeys(prefix: "restart/").keys).isSuperset(of: written)
            }

            // 2. The broker is down for 1,000 writes; they all succeed and their events wait in the outbox.
            try broker.stop()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in stride(from: writer, to: 1000, by: 8) {
                            let key = "down/\(index)"
                            let reply = try await cluster.s3("PUT", "/events/\(key)", body: ByteBuffer(string: key))
                            #expect(reply.status == 200)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await cluster.rowCount("outbox") >= 1000)
            try broker.start()
            try await waitUntil("1,000 events delivered", timeout: .seconds(90)) {
                received.createdKeys(prefix: "down/").count == 1000
            }
            let keys = received.createdKeys(prefix: "down/")
            #expect(keys.values.allSatisfy { $0 == 1 })  // one distinct event per write: none twice after dedup
            try await waitUntil("the outbox drained", timeout: .seconds(30)) {
                (try? await cluster.rowCount("outbox")) == 0
            }
        }
    }

    private func waitUntil(
        _ what: String, timeout: Duration, _ condition: () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within \(timeout): \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
