import Foundation
import KSANBus
import Logging
import ServiceLifecycle
import Testing

@testable import KSANMetadata

/// Service states are a pure function of the record; heartbeats reach the database through the registry.
@Suite("Services and their heartbeats")
struct ServiceRegistryTests {
    static func record(last: Date, interval: Double = 5, stopped: Date? = nil) -> ServiceRecord {
        ServiceRecord(
            id: "osd@h:1", kind: .osd, serverId: "h", endpoint: "h:1", version: "0.9.0", startedAt: last,
            lastHeartbeat: last, intervalSeconds: interval, stoppedAt: stopped)
    }

    @Test func theStateFollowsTheLastHeartbeat() {
        let now = Date()
        #expect(Self.record(last: now).state(at: now) == .online)
        #expect(Self.record(last: now - 15).state(at: now) == .online)  // three intervals: still Online
        #expect(Self.record(last: now - 15.1).state(at: now) == .timeout)
        #expect(Self.record(last: now - 1.6, interval: 0.5).state(at: now) == .timeout)
        #expect(Self.record(last: now, stopped: now).state(at: now) == .offline)
    }

    @Test func heartbeatsGoOutAtStartAndEveryIntervalAndAStopIsAnnounced() async throws {
        let bus = InProcessBus()
        let events = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("service.*"))
        let publisher = HeartbeatPublisher(
            bus: bus, identity: .init(kind: .osd, endpoint: "10.0.0.1:9101", serverId: "osd1"),
            interval: .milliseconds(50), logger: Logger(label: "test"),
            disks: { [DiskUsage(id: "osd1-d1", capacityBytes: 100, usedBytes: 40)] })
        let group = ServiceGroup(services: [publisher], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        var iterator = events.makeAsyncIterator()
        var beats: [ServiceHeartbeat] = []
        while beats.count < 3, let event = await iterator.next() {
            #expect(event.routingKey == ServiceHeartbeat.routingKey)
            beats.append(try ServiceHeartbeat.decode(event.payload))
        }
        #expect(beats.allSatisfy { $0.id == "osd@10.0.0.1:9101" && $0.serverId == "osd1" && $0.kind == .osd })
        #expect(beats[0].disks == [DiskUsage(id: "osd1-d1", capacityBytes: 100, usedBytes: 40)])
        #expect(abs(beats[0].intervalSeconds - 0.05) < 1e-9)
        await group.triggerGracefulShutdown()
        try await running.value
        var last: BusEvent?
        while let event = await iterator.next() {
            last = event
            if event.routingKey == ServiceHeartbeat.stoppedRoutingKey { break }
        }
        #expect(last?.routingKey == ServiceHeartbeat.stoppedRoutingKey)
    }

    @Test(.enabled(if: TestEnvironment.postgresEnabled))
    func heartbeatsAreRecordedWithTheDisksSpace() async throws {
        try await TestDatabase.withStore { store in
            let beat = ServiceHeartbeat(
                id: "osd@10.0.0.1:9101", kind: .osd, serverId: "osd1", endpoint: "10.0.0.1:9101", version: "0.9.0",
                startedAt: Date(timeIntervalSince1970: 1_800_000_000), intervalSeconds: 5,
                disks: [
                    DiskUsage(id: "osd1-d1", capacityBytes: 1000, usedBytes: 250),
                    DiskUsage(id: "not-in-topology", capacityBytes: 1, usedBytes: 1),
                ])
            try await store.recordHeartbeat(beat)
            var services = try await store.listServices()
            #expect(services.count == 1)
            #expect(services.first?.state(at: Date()) == .online)
            #expect(services.first?.serverId == "osd1")
            #expect(
                try await store.diskUsage() == [
                    "osd1-d1": DiskUsage(id: "osd1-d1", capacityBytes: 1000, usedBytes: 250)
                ])
            let summary = try await store.clusterSummary()
            #expect(
                summary.servers == 3 && summary.disks == 6 && summary.pools == 2 && summary.defaultPool == "default")
            #expect(summary.capacityBytes == 1000 && summary.usedBytes == 250)

            // The last word makes it Offline; the next start makes it Online again.
            try await store.recordHeartbeat(beat, stopped: true)
            services = try await store.listServices()
            #expect(services.first?.state(at: Date()) == .offline)
            try await store.recordHeartbeat(beat)
            #expect(try await store.listServices().first?.state(at: Date()) == .online)

            try await store.deleteService(id: beat.id)
            #expect(try await store.listServices().isEmpty)
            await #expect(throws: MetadataError.self) { try await store.deleteService(id: beat.id) }
        }
    }
}
