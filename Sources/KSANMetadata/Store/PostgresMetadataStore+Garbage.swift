import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    public func registerIntent(_ intent: WriteIntent) async throws {
        let layout = try MetadataJSON.string(intent.layout)
        try await transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO write_intents (data_id, layout, created_at)
                VALUES (\(intent.layout.dataId), \(layout)::jsonb, \(intent.createdAt))
                ON CONFLICT (data_id) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func dropIntent(dataId: String) async throws {
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM write_intents WHERE data_id = \(dataId)", logger: logger)
        }
    }

    public func garbage(limit: Int, intentAge: Double) async throws -> [GarbageItem] {
        let limit = min(max(limit, 0), 10_000)
        return try await transaction { connection in
            // Abandoned intents become garbage, unless their data was committed after all.
            try await connection.query(
                """
                WITH moved AS (
                    DELETE FROM write_intents
                    WHERE created_at < now() - make_interval(secs => \(max(intentAge, 0)))
                    RETURNING data_id, layout
                )
                INSERT INTO gc_queue (layout)
                SELECT moved.layout FROM moved
                WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.data_id = moved.data_id)
                """,
                logger: logger
            )
            guard limit > 0 else { return [] }
            let rows = try await connection.query(
                "SELECT id, layout::text FROM gc_queue ORDER BY id LIMIT \(limit)",
                logger: logger
            )
            var items: [GarbageItem] = []
            for try await (id, layout) in rows.decode((Int64, String).self) {
                items.append(GarbageItem(id: id, layout: try MetadataJSON.decode(DataLayout.self, from: layout)))
            }
            return items
        }
    }

    public func ackGarbage(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM gc_queue WHERE id = ANY(\(ids))", logger: logger)
        }
    }
}
