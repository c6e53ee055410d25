import Foundation
import KSANBus
import KSANCore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Records the heartbeats of every service (``ServiceHeartbeat`` on ``BusExchange/control``) in the database, where
/// the portal reads them. They are written once a second in one transaction, the last word of each service only, so
/// that the database's load does not grow with the number of services times the heartbeat rate. Heartbeats missed
/// while the broker is away need no replay: the next one says the same.
struct ServiceRegistry: Service {
    let store: PostgresMetadataStore
    let bus: any MessageBus
    let logger: Logger
    let ready: ReadinessSignal
    var flushInterval: Duration = .seconds(1)

    func run() async throws {
        let events = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("service.*"))
        let pending = NIOLockedValueBox(Pending())
        await cancelWhenGracefulShutdown {
            await ready.wait()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events { receive(event, into: pending) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: flushInterval)
                        await flush(pending)
                    }
                }
                await group.waitForAll()
            }
        }
        await flush(pending)
    }

    /// The heartbeats received since the last write, the latest of each service, in arrival order.
    struct Pending {
        var order: [String] = []
        var latest: [String: (heartbeat: ServiceHeartbeat, stopped: Bool)] = [:]

        mutating func take() -> [(heartbeat: ServiceHeartbeat, stopped: Bool)] {
            defer { self = Pending() }
            return order.compactMap { latest[$0] }
        }
    }

    func receive(_ event: BusEvent, into pending: NIOLockedValueBox<Pending>) {
        let stopped = event.routingKey == ServiceHeartbeat.stoppedRoutingKey
        guard stopped || event.routingKey == ServiceHeartbeat.routingKey else { return }
        guard let heartbeat = try? ServiceHeartbeat.decode(event.payload) else {
            logger.warning("heartbeat not understood", metadata: ["ksan.event": "\(event.id)"])
            return
        }
        pending.withLockedValue { pending in
            if pending.latest[heartbeat.id] == nil { pending.order.append(heartbeat.id) }
            pending.latest[heartbeat.id] = (heartbeat, stopped)
        }
    }

    func flush(_ pending: NIOLockedValueBox<Pending>) async {
        let batch = pending.withLockedValue { $0.take() }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordHeartbeats(batch)
        } catch {
            logger.warning("heartbeats not recorded", metadata: ["ksan.count": "\(batch.count)", "error": "\(error)"])
        }
        // What OSDs say of their disks' space marks them full or not at once (a topology change when it changes),
        // and what they conclude of their disks' failures raises the disks' states (Weak, Bad) at once.
        var fullness: [String: Bool] = [:]
        var verdicts: [String: DiskHealth] = [:]
        for (heartbeat, stopped) in batch where heartbeat.kind == .osd {
            for disk in heartbeat.disks {
                if !stopped { fullness[disk.id] = disk.full ?? false }
                if let health = disk.health { verdicts[disk.id] = health }
            }
        }
        if !fullness.isEmpty {
            do {
                try await store.setDisksFull(fullness)
            } catch {
                logger.warning("disk fullness not recorded", metadata: ["error": "\(error)"])
            }
        }
        guard !verdicts.isEmpty else { return }
        do {
            try await store.raiseDiskStates(verdicts)
        } catch {
            logger.warning("disk states not raised", metadata: ["error": "\(error)"])
        }
    }
}
