import Foundation

/// What a running service says about itself on ``BusExchange/control``: at start, then every ``intervalSeconds``
/// (routing key ``routingKey``), and once more when it stops cleanly (``stoppedRoutingKey``). The metadata service
/// records them; the portal shows a service Online while its heartbeats arrive, Timeout when three are missing, and
/// Offline once it said it stopped.
public struct ServiceHeartbeat: Codable, Sendable, Hashable {
    /// Routing key of a heartbeat.
    public static let routingKey = "service.heartbeat"
    /// Routing key of the last word of a service that stops cleanly.
    public static let stoppedRoutingKey = "service.stopped"

    /// Stable across restarts of the same service: `<kind>@<endpoint>` unless configured.
    public var id: String
    public var kind: ServiceKind
    /// The server (host) it runs on, when it knows it (an OSD always does).
    public var serverId: String?
    /// Where it serves (host:port).
    public var endpoint: String
    /// ``KSANVersion/current`` of its build.
    public var version: String
    public var startedAt: Date
    /// Seconds between its heartbeats.
    public var intervalSeconds: Double
    /// The space of the disks it serves (OSDs only).
    public var disks: [DiskUsage]

    public init(
        id: String, kind: ServiceKind, serverId: String? = nil, endpoint: String, version: String, startedAt: Date,
        intervalSeconds: Double, disks: [DiskUsage] = []
    ) {
        self.id = id
        self.kind = kind
        self.serverId = serverId
        self.endpoint = endpoint
        self.version = version
        self.startedAt = startedAt
        self.intervalSeconds = intervalSeconds
        self.disks = disks
    }
}

extension ServiceHeartbeat {
    /// The JSON of a heartbeat on the bus (dates as seconds since 1970, as every KSAN event).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return try encoder.encode(self)
    }

    /// A heartbeat read from the bus.
    public static func decode(_ payload: Data) throws -> ServiceHeartbeat {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(ServiceHeartbeat.self, from: payload)
    }
}
