import Foundation
import KSANBus
import KSANData
import KSANMetadata
import Logging
import ServiceLifecycle

/// Makes the gateway forget what it cached as soon as the portal changes it: `topology.changed` drops the cached
/// topology, `user.key.changed` the cached key. Events missed while the broker is unreachable cost nothing but
/// time: every cache also expires by itself (10 s).
struct ControlListener: Service {
    let bus: any MessageBus
    let topology: TopologyCache
    let keys: TTLCache<String, AccessKeyRecord>
    let logger: Logger

    func run() async throws {
        let events = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("#"))
        await cancelWhenGracefulShutdown {
            for await event in events {
                handle(event)
            }
        }
    }

    func handle(_ event: BusEvent) {
        switch event.routingKey {
        case TopologyChange.routingKey:
            topology.invalidate()
            logger.debug("topology changed", metadata: ["ksan.event": "\(event.id)"])
        case AccessKeyChange.routingKey:
            guard let change = try? JSONDecoder().decode(AccessKeyChange.self, from: event.payload) else { return }
            keys.invalidate(change.accessKeyId)
            logger.debug("access key changed", metadata: ["ksan.accessKey": "\(change.accessKeyId)"])
        default:
            break
        }
    }
}
