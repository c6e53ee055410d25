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

@Suite("Topology changes one resource at a time", .enabled(if: TestEnvironment.postgresEnabled))
struct TopologyAdminTests {
    @Test func aDiskThatHoldsShardsCannotBeRemoved() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layout = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: layout))
            let holder = try #require(layout.diskIds.first)
            // Listed by a pool: refused for that.
            await #expect(
                throws: MetadataError(
                    .conflict,
                    "Disk \(holder) is in pool(s) default, rep3: drain it first (ksanctl disk drain \(holder)), or "
                        + "remove the pools")
            ) {
                try await store.removeDisk(id: holder)
            }
            // Out of every pool, the committed shards still keep it.
            try await store.client.query("UPDATE pools SET disk_ids = array_remove(disk_ids, \(holder))")
            await #expect(
                throws: MetadataError(
                    .conflict,
                    "Disk \(holder) holds shards of 1 stored object part(s): they would be lost (drain it first: "
                        + "ksanctl disk drain \(holder))")
            ) {
                try await store.removeDisk(id: holder)
            }
            #expect(try await store.topology().hosts.flatMap(\.disks).contains(holder))
            // A change that succeeds leaves a topology.changed event in its transaction; a refused one leaves none.
            let events = try await store.outboxBacklog().pending
            try await store.addServer(id: "extra", endpoint: "http://127.0.0.1:1")
            #expect(try await store.outboxBacklog().pending == events + 1)
            await #expect(throws: MetadataError.self) {
                try await store.addServer(id: "extra", endpoint: "http://127.0.0.1:1")
            }
            #expect(try await store.outboxBacklog().pending == events + 1)
            var relayed: [OutboxEvent] = []
            _ = try await store.relayEvents(limit: 100) { relayed += $0 }
            #expect(relayed.last?.routingKey == "topology.changed" && relayed.last?.exchange == "ksan.control")
            #expect(
                try JSONDecoder().decode(TopologyChange.self, from: relayed.last!.payload)
                    == TopologyChange(change: "server.added", id: "extra"))
        }
    }

    @Test func placementSkipsDisksThatTakeNoNewShards() throws {
        let hosts = (1...3).map { h in
            Topology.Host(id: "h\(h)", endpoint: "http://h\(h):1", disks: ["h\(h)a", "h\(h)b", "h\(h)c"])
        }
        let pool = Topology.Pool(id: "p", k: 4, m: 2, disks: hosts.flatMap(\.disks))
        var topology = Topology(hosts: hosts, pools: [pool])
        topology.diskSettings = [
            "h1a": DiskSettings(mode: .readOnly), "h2b": DiskSettings(state: .bad),
            "h3c": DiskSettings(mode: .maintenance),
            "h3a": DiskSettings(state: .weak),
        ]
        for index in 0..<200 {
            let disks = try PoolPlacement.place(dataId: "data\(index)", pool: pool, topology: topology)
            #expect(Set(disks).isDisjoint(with: ["h1a", "h2b", "h3c"]))
            #expect(Set(disks).count == 6)
        }
        // Too few writable disks left for two shards per host: refused, not placed with less redundancy.
        topology.diskSettings = ["h1a": DiskSettings(mode: .readOnly), "h1b": DiskSettings(mode: .readOnly)]
        #expect(throws: MetadataError.self) { try PoolPlacement.place(dataId: "x", pool: pool, topology: topology) }
    }
}
