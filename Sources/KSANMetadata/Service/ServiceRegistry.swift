import Foundation
import KSANBus
import KSANCore
import Logging
import ServiceLifecycle

/// Records the heartbeats of every service (``ServiceHeartbeat`` on ``BusExchange/control``) in the database, where
/// the portal reads them. Heartbeats missed while the broker is away need no replay: the next one says the same.
struct ServiceRegistry: Service {
    let store: PostgresMetadataStore
    let bus: any MessageBus
    let logger: Logger
    let ready: ReadinessSignal

    func run() async throws {
        let events = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("service.*"))
        await cancelWhenGracefulShutdown {
            await ready.wait()
            for await event in events {
                await record(event)
            }
        }
    }

    func record(_ event: BusEvent) async {
        let stopped = event.routingKey == ServiceHeartbeat.stoppedRoutingKey
        guard stopped || event.routingKey == ServiceHeartbeat.routingKey else { return }
        do {
            try await store.recordHeartbeat(ServiceHeartbeat.decode(event.payload), stopped: stopped)
        } catch {
            logger.warning("heartbeat not recorded", metadata: ["ksan.event": "\(event.id)", "error": "\(error)"])
        }
    }
}
