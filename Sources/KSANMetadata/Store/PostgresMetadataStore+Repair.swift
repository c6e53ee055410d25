import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    /// Queues a layout for repair; a report for data already queued gets a new report number, so that a repair
    /// running meanwhile does not acknowledge it away.
    public func queueRepair(_ layout: DataLayout) async throws {
        try layout.validate()
        let json = try MetadataJSON.string(layout)
        try await transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO repair_queue (data_id, layout) VALUES (\(layout.dataId), \(json)::jsonb)
                ON CONFLICT (data_id) DO UPDATE SET report = nextval('repair_reports')
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
                ON CONFLICT (data_id) DO UPDATE SET report = nextval('repair_reports')
                RETURNING data_id
                """,
                logger: logger
            )
            var queued = false
            for try await _ in rows.decode(String.self) { queued = true }
            return queued
        }
    }

    public func repairs(limit: Int, dropAfter: Double) async throws -> [RepairItem] {
        let limit = min(max(limit, 0), 10_000)
        let dropAfter = min(max(dropAfter, 0), 366 * 86_400)
        return try await transaction { connection in
            try await connection.query(
                """
                DELETE FROM repair_queue r
                WHERE r.queued_at < now() - make_interval(secs => \(dropAfter))
                AND NOT EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                AND NOT EXISTS (SELECT 1 FROM write_intents w WHERE w.data_id = r.data_id)
                """,
                logger: logger
            )
            guard limit > 0 else { return [] }
            let rows = try await connection.query(
                """
                SELECT r.layout::text, r.report FROM repair_queue r
                WHERE EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                ORDER BY r.queued_at, r.data_id LIMIT \(limit)
                """,
                logger: logger
            )
            var items: [RepairItem] = []
            for try await (layout, report) in rows.decode((String, Int64).self) {
                items.append(RepairItem(layout: try MetadataJSON.decode(DataLayout.self, from: layout), report: report))
            }
            return items
        }
    }

    public func ackRepairs(_ items: [RepairItem]) async throws {
        guard !items.isEmpty else { return }
        let ids = items.map(\.layout.dataId)
        let reports = items.map(\.report)
        try await transaction { connection in
            _ = try await connection.query(
                """
                DELETE FROM repair_queue r USING unnest(\(ids)::text[], \(reports)::bigint[]) AS a(data_id, report)
                WHERE r.data_id = a.data_id AND r.report = a.report
                """,
                logger: logger
            )
        }
    }
}
