import Foundation

/// A message on the cluster's bus: a change of topology or configuration, a heartbeat, an object event.
///
/// Delivery is at least once, so every event carries an ``id`` that consumers use to drop duplicates. Events are
/// published to an ``exchange`` with a dot-separated ``routingKey`` (`topology.disk.added`,
/// `object.created.photos`) that subscribers select with a ``TopicPattern``.
public struct BusEvent: Codable, Sendable, Hashable {
    /// Unique per event (a retried publication keeps it).
    public var id: String
    /// The exchange it is published to (``BusExchange``).
    public var exchange: String
    /// Dot-separated words naming what happened.
    public var routingKey: String
    /// The event's body: JSON, whose shape the routing key determines.
    public var payload: Data
    /// When the change it describes happened.
    public var occurredAt: Date

    /// Creates an event.
    public init(
        id: String = UUID().uuidString.lowercased(), exchange: String, routingKey: String, payload: Data = Data(),
        occurredAt: Date = Date()
    ) {
        self.id = id
        self.exchange = exchange
        self.routingKey = routingKey
        self.payload = payload
        self.occurredAt = occurredAt
    }
}
