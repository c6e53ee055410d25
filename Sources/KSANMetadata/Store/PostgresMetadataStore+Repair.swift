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
                ON CONFLICT (data_id) DO UPDATE SET report = nextval('repair_reports'), leased_until = NULL
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
                ON CONFLICT (data_id) DO UPDATE SET report = nextval('repair_reports'), leased_until = NULL
                RETURNING data_id
                """,
                logger: logger
            )
            var queued = false
            for try await _ in rows.decode(String.self) { queued = true }
            return queued
        }
    }

    public func repairs(limit: Int, dropAfter: Double, lease: Double) async throws -> [RepairItem] {
        let limit = min(max(limit, 0), 10_000)
        let lease = min(max(lease, 0), 86_400)
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
            let rows =
                lease > 0
                ? try await connection.query(
                    """
                    WITH taken AS (
                        SELECT r.data_id FROM repair_queue r
                        WHERE EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                          AND (r.leased_until IS NULL OR r.leased_until < now())
                        ORDER BY r.queued_at, r.data_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    )
                    UPDATE repair_queue q SET leased_until = now() + make_interval(secs => \(lease))
                    FROM taken WHERE q.data_id = taken.data_id
                    RETURNING (SELECT p.layout::text FROM placement p WHERE p.data_id = q.data_id), q.report,
                              q.queued_at
                    """,
                    logger: logger
                )
                : try await connection.query(
                    """
                    SELECT (SELECT p.layout::text FROM placement p WHERE p.data_id = r.data_id), r.report, r.queued_at
                    FROM repair_queue r
                    WHERE EXISTS (SELECT 1 FROM placement p WHERE p.data_id = r.data_id)
                    ORDER BY r.queued_at, r.data_id LIMIT \(limit)
                    """,
                    logger: logger
                )
            var items: [(item: RepairItem, queuedAt: Date)] = []
            for try await (layout, report, queuedAt) in rows.decode((String, Int64, Date).self) {
                let layout = try MetadataJSON.decode(DataLayout.self, from: layout)
                items.append((RepairItem(layout: layout, report: report), queuedAt))
            }
            // Oldest first, as the statement chose them (UPDATE ... RETURNING keeps no order).
            return items.sorted {
                ($0.queuedAt, $0.item.layout.dataId) < ($1.queuedAt, $1.item.layout.dataId)
            }.map(\.item)
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

    public func releaseRepairs(_ items: [RepairItem]) async throws {
        guard !items.isEmpty else { return }
        let ids = items.map(\.layout.dataId)
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE repair_queue SET leased_until = NULL WHERE data_id = ANY(\(ids)::text[])", logger: logger)
        }
    }
}
