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
}
