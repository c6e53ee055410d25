import Foundation

/// An event waiting in the outbox: written in the transaction of the change it describes, published to the bus by
/// the ``OutboxRelay`` and then deleted. ``id`` is the bus event's id, kept by every retry, so that consumers drop
/// duplicates.
public struct OutboxEvent: Sendable, Hashable, Codable {
    /// The outbox's order of insertion.
    public var sequence: Int64
    /// The event id (a UUID).
    public var id: String
    /// The bus exchange.
    public var exchange: String
    /// The routing key.
    public var routingKey: String
    /// The JSON body.
    public var payload: Data
    /// When the change was committed (the database's clock).
    public var occurredAt: Date

    /// Creates an entry.
    public init(sequence: Int64, id: String, exchange: String, routingKey: String, payload: Data, occurredAt: Date) {
        self.sequence = sequence
        self.id = id
        self.exchange = exchange
        self.routingKey = routingKey
        self.payload = payload
        self.occurredAt = occurredAt
    }
}
