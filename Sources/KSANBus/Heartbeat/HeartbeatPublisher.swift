import Foundation
import KSANCore
import Logging
import ServiceLifecycle

/// Registers a service and keeps it Online: publishes its ``ServiceHeartbeat`` at start and every `interval`, and
/// ``ServiceHeartbeat/stoppedRoutingKey`` when the service group shuts down gracefully. A heartbeat that the bus
/// cannot take (broker down) is dropped: the next one says the same.
public struct HeartbeatPublisher: Service {
    let bus: any MessageBus
    let identity: Identity
    let interval: Duration
    let disks: @Sendable () -> [DiskUsage]
    let logger: Logger

    /// Who the service is.
    public struct Identity: Sendable {
        public var id: String
        public var kind: ServiceKind
        public var serverId: String?
        public var endpoint: String
        /// When this process started: the identity is made once, at start.
        public var startedAt: Date

        /// `id` defaults to `<kind>@<endpoint>`, stable across restarts.
        public init(
            kind: ServiceKind, endpoint: String, serverId: String? = nil, id: String? = nil, startedAt: Date = Date()
        ) {
            self.kind = kind
            self.endpoint = endpoint
            self.serverId = serverId
            self.id = id ?? "\(kind.rawValue)@\(endpoint)"
            self.startedAt = startedAt
        }

        /// `host:port` of a listening address, the host name standing for a wildcard address.
        public static func endpoint(host: String, port: Int) -> String {
            let name = ["0.0.0.0", "::", ""].contains(host) ? ProcessInfo.processInfo.hostName : host
            return HostPort(host: name, port: port).description
        }
    }

    /// The interval of `KSAN_HEARTBEAT_SECONDS` (0.2 to 300), else 5 s.
    public static func defaultInterval(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Duration
    {
        guard let text = environment["KSAN_HEARTBEAT_SECONDS"], let seconds = Double(text),
            (0.2...300).contains(seconds)
        else { return .seconds(5) }
        return .milliseconds(Int64(seconds * 1000))
    }

    public init(
        bus: any MessageBus, identity: Identity, interval: Duration = HeartbeatPublisher.defaultInterval(),
        logger: Logger, disks: @escaping @Sendable () -> [DiskUsage] = { [] }
    ) {
        self.bus = bus
        self.identity = identity
        self.interval = interval
        self.disks = disks
        self.logger = logger
    }

    public func run() async throws {
        let startedAt = identity.startedAt
        let seconds = interval.seconds
        await Periodic.run(every: interval, name: "heartbeat", logger: logger) {
            do {
                // A broker that is away holds a publication up to its timeout: not a stop.
                try await cancelWhenGracefulShutdown {
                    try await publish(
                        heartbeat(startedAt: startedAt, seconds: seconds), routingKey: ServiceHeartbeat.routingKey)
                }
            } catch {
                logger.debug("heartbeat not published", metadata: ["error": "\(error)"])
            }
        }
        // Graceful shutdown: say so, but never hold the stop for a broker that is away.
        let last = heartbeat(startedAt: startedAt, seconds: seconds)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await publish(last, routingKey: ServiceHeartbeat.stoppedRoutingKey) }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
    }

    func heartbeat(startedAt: Date, seconds: Double) -> ServiceHeartbeat {
        ServiceHeartbeat(
            id: identity.id, kind: identity.kind, serverId: identity.serverId, endpoint: identity.endpoint,
            version: KSANVersion.current, startedAt: startedAt, intervalSeconds: seconds, disks: disks())
    }

    func publish(_ heartbeat: ServiceHeartbeat, routingKey: String) async throws {
        try await bus.publish(
            BusEvent(exchange: BusExchange.control, routingKey: routingKey, payload: try heartbeat.encoded()))
    }
}
