import Foundation
import KSANCore
import Logging
import ServiceLifecycle

/// Marks hosts Offline when their OSD stops heartbeating for longer than the timeout (or says it stopped), and
/// Online again when it heartbeats, as ``HostLiveness`` judges; a host whose state an operator holds is left alone.
/// Each change is a topology change on the bus: gateways stop placing new shards on an Offline host and read it
/// last at once, and the workers rebuild its shards elsewhere once it has been Offline long enough.
struct HostMonitor: Service {
    let store: PostgresMetadataStore
    let timeout: TimeInterval
    let logger: Logger
    let ready: ReadinessSignal

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ready.wait()
            let liveness = HostLiveness(timeout: timeout, startedAt: Date())
            // Checked a few times per timeout, and at least every 5 s.
            let every = Duration.milliseconds(Int64(min(max(timeout / 4, 0.2), 5) * 1000))
            await Periodic.run(every: every, name: "host monitor", logger: logger) {
                do {
                    let hosts = try await store.topology().hosts.map(\.id)
                    let services = try await store.listServices()
                    let verdicts = liveness.judge(hosts: hosts, services: services, now: Date())
                    if !verdicts.isEmpty { try await store.applyHostStates(verdicts) }
                } catch {
                    logger.warning("host states not checked", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
