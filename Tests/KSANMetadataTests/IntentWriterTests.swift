import Foundation
import KSANBus
import Testing

@testable import KSANMetadata

/// Write intents that name their writer are collected as soon as the writer restarted or stopped for good, not
/// only after the intent age.
@Suite struct IntentWriterTests {
    static func heartbeat(_ id: String, startedAt: Date) -> ServiceHeartbeat {
        ServiceHeartbeat(
            id: id, kind: .gateway, endpoint: "10.0.0.1:9000", version: "test", startedAt: startedAt,
            intervalSeconds: 5)
    }

    @Test func intentsOfARestartedOrStoppedWriterAreGarbageAtOnce() async throws {
        try await TestDatabase.withStore { store in
            let started = Date().addingTimeInterval(-600)
            let gateway = IntentWriter(id: "gateway@10.0.0.1:9000", startedAt: started)
            let other = IntentWriter(id: "gateway@10.0.0.2:9000", startedAt: started)
            let running = TestFixtures.layout()
            let anonymous = TestFixtures.layout()
            let ofOther = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: running, createdAt: Date(), writer: gateway))
            try await store.registerIntent(WriteIntent(layout: anonymous, createdAt: Date()))
            try await store.registerIntent(WriteIntent(layout: ofOther, createdAt: Date(), writer: other))
            // Both writers heartbeat as the processes that started then (times rounded a little on the way).
            try await store.recordHeartbeat(Self.heartbeat(gateway.id, startedAt: started.addingTimeInterval(0.004)))
            try await store.recordHeartbeat(Self.heartbeat(other.id, startedAt: started))
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0).isEmpty)

            // The first gateway restarts: its earlier process's intents are abandoned; the others stay.
            try await store.recordHeartbeat(Self.heartbeat(gateway.id, startedAt: Date()))
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0).map(\.layout) == [running])

            // The second stops cleanly: its intents wait out its graceful shutdown (2 minutes), then go.
            try await store.recordHeartbeat(Self.heartbeat(other.id, startedAt: started), stopped: true)
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0).count == 1)
            try await store.client.query("UPDATE services SET stopped_at = now() - interval '3 minutes'")
            let collected = try await store.garbage(limit: 10, intentAge: 3600, grace: 0).map(\.layout)
            #expect(collected == [running, ofOther])
            // The intent without a writer waits for the intent age, as before.
            let left = try await store.client.query("SELECT data_id FROM write_intents")
            var ids: [String] = []
            for try await id in left.decode(String.self) { ids.append(id) }
            #expect(ids == [anonymous.dataId])
        }
    }

    @Test("the intents of a writer silent for 15 minutes go while others are heard; a broker outage keeps them")
    func intentsOfASilentWriterAreGarbage() async throws {
        try await TestDatabase.withStore { store in
            let started = Date().addingTimeInterval(-3600)
            let killed = IntentWriter(id: "gateway@10.0.0.1:9000", startedAt: started)
            let slow = IntentWriter(id: "gateway@10.0.0.2:9000", startedAt: started)
            let abandoned = TestFixtures.layout()
            let stalled = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: abandoned, createdAt: Date(), writer: killed))
            try await store.registerIntent(WriteIntent(layout: stalled, createdAt: Date(), writer: slow))
            try await store.recordHeartbeat(Self.heartbeat(killed.id, startedAt: started))
            try await store.recordHeartbeat(Self.heartbeat(slow.id, startedAt: started))
            // Both intents unmarked for 20 minutes; the first writer silent for 20 minutes, the second heard now
            // (a client that pauses its upload), and so is an OSD: the bus works.
            try await store.client.query("UPDATE write_intents SET alive_at = now() - interval '20 minutes'")
            try await store.client.query(
                "UPDATE services SET last_heartbeat = now() - interval '20 minutes' WHERE id = \(killed.id)")
            try await store.recordHeartbeat(
                ServiceHeartbeat(
                    id: "osd@10.0.0.3:9100", kind: .osd, endpoint: "10.0.0.3:9100", version: "test",
                    startedAt: started, intervalSeconds: 5))
            // A broker outage first: nobody heard for 2 minutes, nothing is judged.
            try await store.client.query(
                "UPDATE services SET last_heartbeat = now() - interval '2 minutes' WHERE id <> \(killed.id)")
            #expect(try await store.garbage(limit: 10, intentAge: 6 * 3600, grace: 0).isEmpty)
            try await store.client.query("UPDATE services SET last_heartbeat = now() WHERE id <> \(killed.id)")
            let collected = try await store.garbage(limit: 10, intentAge: 6 * 3600, grace: 0)
            #expect(collected.map(\.layout) == [abandoned])
            try await store.ackGarbage(ids: collected.map(\.id))
            // The silent writer's intent marked alive lately (the process lives, only its heartbeats are lost): kept.
            let late = TestFixtures.layout()
            try await store.registerIntent(WriteIntent(layout: late, createdAt: Date(), writer: killed))
            #expect(try await store.garbage(limit: 10, intentAge: 6 * 3600, grace: 0).isEmpty)
        }
    }
}
