import Foundation
import KSANBus
import Logging
import Testing

@testable import KSANMetadata

@Suite("The transactional outbox", .enabled(if: TestEnvironment.postgresEnabled))
struct OutboxTests {
    struct Unreachable: Error {}

    /// Every change of a bucket or object leaves an event in its own transaction; a failed change leaves none.
    @Test func changesLeaveEventsInTheirTransaction() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let version = TestFixtures.version(bucket: "b", key: "photos/cat.jpg", inline: Data("meow".utf8))
            _ = try await store.putObject(version)
            _ = try await store.deleteObject(bucket: "b", key: "photos/cat.jpg")
            _ = try await store.deleteObject(bucket: "b", key: "photos/cat.jpg")  // nothing removed: no event
            // A refused change records nothing.
            #expect(await TestFixtures.errorCode { try await store.createBucket(TestFixtures.bucket("b")) } != nil)
            var conditional = TestFixtures.version(bucket: "b", key: "other", inline: Data("x".utf8))
            conditional.etag = "00000000000000000000000000000000"
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putObject(conditional, condition: WriteCondition(ifMatch: ["abc"]))
                } != nil)
            _ = try await store.deleteBucket(name: "b")

            let backlog = try await store.outboxBacklog()
            #expect(backlog.pending == 4)
            #expect(backlog.oldestAgeSeconds >= 0 && backlog.oldestAgeSeconds < 60)
            var relayed: [OutboxEvent] = []
            #expect(try await store.relayEvents(limit: 100) { relayed += $0 } == 4)
            #expect(
                relayed.map(\.routingKey) == ["bucket.created", "object.created", "object.removed", "bucket.removed"])
            #expect(Set(relayed.map(\.exchange)) == [BusExchange.objects])
            #expect(Set(relayed.map(\.id)).count == 4)
            let created = try JSONDecoder().decode(ObjectEvent.self, from: relayed[1].payload)
            #expect(
                created
                    == ObjectEvent(
                        eventName: "ObjectCreated:Put", bucket: "b", key: "photos/cat.jpg", versionId: "null",
                        size: version.size, etag: version.etag))
            let removed = try JSONDecoder().decode(ObjectEvent.self, from: relayed[2].payload)
            #expect(removed.eventName == "ObjectRemoved:Delete")
            #expect(try await store.outboxBacklog() == OutboxBacklog(pending: 0, oldestAgeSeconds: 0))
        }
    }

    /// A publication that fails leaves the events where they were, with the same ids, for the next attempt.
    @Test func aFailedPublicationKeepsTheEvents() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            var first: [OutboxEvent] = []
            await #expect(throws: Unreachable.self) {
                _ = try await store.relayEvents(limit: 10) { events in
                    first = events
                    throw Unreachable()
                }
            }
            #expect(try await store.outboxBacklog().pending == 1)
            var second: [OutboxEvent] = []
            #expect(try await store.relayEvents(limit: 10) { second = $0 } == 1)
            #expect(second == first)
        }
    }

    /// Two relays at once never take the same event.
    @Test func concurrentRelaysShareTheOutbox() async throws {
        try await TestDatabase.withStore(maxConnections: 4) { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            for index in 0..<200 {
                _ = try await store.putObject(
                    TestFixtures.version(bucket: "b", key: "k\(index)", inline: Data("x".utf8)))
            }
            let bus = InProcessBus()
            let stream = try await bus.consume(
                queue: "all", bindings: [QueueBinding(exchange: BusExchange.objects, pattern: TopicPattern("#"))],
                prefetch: 1)
            let relays = (0..<2).map { _ in
                OutboxRelay(
                    store: store, bus: bus, logger: TestEnvironment.logger, batchSize: 7,
                    idleInterval: .milliseconds(10))
            }
            let tasks = relays.map { relay in Task { await relay.relay() } }
            var ids: [String] = []
            for await delivery in stream {
                ids.append(delivery.event.id)
                if ids.count == 201 { break }
            }
            try await Task.sleep(for: .milliseconds(100))
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            #expect(Set(ids).count == 201)
            #expect(try await store.outboxBacklog().pending == 0)
        }
    }
}
