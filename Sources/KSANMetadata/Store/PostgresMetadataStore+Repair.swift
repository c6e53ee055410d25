import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    public func queueRepair(_ layout: DataLayout) async throws {
        let json = try MetadataJSON.string(layout)
        try await transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO repair_queue (data_id, layout) VALUES (\(layout.dataId), \(json)::jsonb)
                ON CONFLICT (data_id) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func queueRepair(dataId: String) async throws -> Bool {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                WITH found AS (SELECT data_id, layout FROM placement WHERE data_id = \(dataId))
                INSERT INTO repair_queue (data_id, layout) SELECT data_id, layout FROM found
                ON CONFLICT (data_id) DO NOTHING
                RETURNING data_id
                """,
                logger: logger
            )
            var inserted = false
            for try await _ in rows.decode(String.self) { inserted = true }
            if inserted { return true }
            // Already queued, or not committed data.
            let exists = try await connection.query(
                "SELECT 1 FROM placement WHERE data_id = \(dataId)", logger: logger)
            for try await _ in exists.decode(Int.self) { return true }
            return false
        }
    }

    public func repairs(limit: Int, dropAfter: Double) async throws -> [DataLayout] {
        let limit = min(max(limit, 0), 10_000)
        return try await transaction { connection in
            try await connection.query(
                """
                DELETE FROM repair_queue r
                WHERE r.queued_at < now() - make_interval(secs => \(max(dropAfter, 0)))
                AND NOT EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                AND NOT EXISTS (SELECT 1 FROM write_intents w WHERE w.data_id = r.data_id)
                """,
                logger: logger
            )
            guard limit > 0 else { return [] }
            let rows = try await connection.query(
                """
                SELECT r.layout::text FROM repair_queue r
                WHERE EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                ORDER BY r.queued_at, r.data_id LIMIT \(limit)
                """,
                logger: logger
            )
            var layouts: [DataLayout] = []
            for try await layout in rows.decode(String.self) {
                layouts.append(try MetadataJSON.decode(DataLayout.self, from: layout))
            }
            return layouts
        }
    }

    public func ackRepairs(dataIds: [String]) async throws {
        guard !dataIds.isEmpty else { return }
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM repair_queue WHERE data_id = ANY(\(dataIds))", logger: logger)
        }
    }
}
