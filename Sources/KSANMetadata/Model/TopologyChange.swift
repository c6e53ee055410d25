/// The body of a `topology.changed` event on the bus's control exchange: what changed, so that services reload
/// the topology (gateways also refresh it every 10 seconds without it).
public struct TopologyChange: Codable, Sendable, Hashable {
    /// The routing key.
    public static let routingKey = "topology.changed"
    /// The exchange (`BusExchange.control`).
    public static let exchange = "ksan.control"

    /// `server.added`, `server.updated`, `server.removed`, `disk.added`, `disk.updated`, `disk.removed`, `pool.created`,
    /// `pool.updated`, `pool.removed`.
    public var change: String
    /// The id of the server, disk or pool.
    public var id: String

    public init(change: String, id: String) {
        self.change = change
        self.id = id
    }
}
