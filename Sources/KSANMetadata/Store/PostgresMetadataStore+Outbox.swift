import Foundation
import PostgresNIO

/// The transactional outbox: events are inserted by the transactions whose changes they describe, and taken by the
/// relay, which deletes them once the bus has confirmed them.
extension PostgresMetadataStore {
    /// Records an object or bucket event in the caller's transaction.
    func recordEvent(_ event: ObjectEvent, routingKey: String, on connection: PostgresConnection) async throws {
        try await recordEvent(event, exchange: ObjectEvent.exchange, routingKey: routingKey, on: connection)
    }

    /// Records an event with a JSON body in the caller's transaction.
    func recordEvent(
        _ body: some Encodable, exchange: String, routingKey: String, on connection: PostgresConnection
    ) async throws {
        let payload = try MetadataJSON.string(body)
        try await connection.query(
            """
            INSERT INTO outbox (exchange, routing_key, payload)
            VALUES (\(exchange), \(routingKey), \(payload)::jsonb)
            """,
            logger: logger
        )
    }

    /// Hands up to `limit` waiting events, oldest first, to `publish`, and deletes them if it returns (all in one
    /// transaction: rows another relay holds are skipped; if `publish` throws, they stay for the next attempt).
    /// - Returns: How many were published.
    public func relayEvents(limit: Int, publish: ([OutboxEvent]) async throws -> Void) async throws -> Int {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                SELECT seq, event_id::text, exchange, routing_key, payload::text, occurred_at FROM outbox
                ORDER BY seq LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            )
            var events: [OutboxEvent] = []
            for try await (sequence, id, exchange, routingKey, payload, occurredAt) in rows.decode(
                (Int64, String, String, String, String, Date).self
            ) {
                events.append(
                    OutboxEvent(
                        sequence: sequence, id: id, exchange: exchange, routingKey: routingKey,
                        payload: Data(payload.utf8), occurredAt: occurredAt))
            }
            if events.isEmpty { return 0 }
            try await publish(events)
            let sequences = events.map(\.sequence)
            try await connection.query("DELETE FROM outbox WHERE seq = ANY(\(sequences))", logger: logger)
            return events.count
        }
    }

    /// How many events wait, and since when.
    public func outboxBacklog() async throws -> OutboxBacklog {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at))::float8, 0) FROM outbox
                """,
                logger: logger
            )
            for try await (pending, age) in rows.decode((Int64, Double).self) {
                return OutboxBacklog(pending: pending, oldestAgeSeconds: max(0, age))
            }
            return OutboxBacklog(pending: 0, oldestAgeSeconds: 0)
        }
    }
}
