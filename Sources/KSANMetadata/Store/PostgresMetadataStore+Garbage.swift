import Foundation
import PostgresNIO

extension PostgresMetadataStore {
    /// Records an intent, stamped with the database's clock (the caller's `createdAt` is not trusted: garbage
    /// collection compares with the database's `now()`, so a gateway's clock can neither hasten nor delay it).
    public func registerIntent(_ intent: WriteIntent) async throws {
        try intent.layout.validate()
        let layout = try MetadataJSON.string(intent.layout)
        try await transaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO write_intents (data_id, layout, created_at, alive_at, writer, writer_started_at)
                VALUES (\(intent.layout.dataId), \(layout)::jsonb, now(), now(), \(intent.writer?.id),
                        \(intent.writer?.startedAt))
                ON CONFLICT (data_id) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func touchIntent(dataId: String) async throws -> Bool {
        try await transaction { connection in
            let rows = try await connection.query(
                "UPDATE write_intents SET alive_at = now() WHERE data_id = \(dataId) RETURNING 1", logger: logger)
            return try await rows.collect().first != nil
        }
    }

    public func dropIntent(dataId: String) async throws {
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM write_intents WHERE data_id = \(dataId)", logger: logger)
        }
    }

    public func garbage(limit: Int, intentAge: Double, grace: Double, lease: Double) async throws -> [GarbageItem] {
        let limit = min(max(limit, 0), 10_000)
        let lease = min(max(lease, 0), 86_400)
        // Bounded so the interval arithmetic stays within PostgreSQL's range (a year of seconds at most).
        let intentAge = min(max(intentAge, 0), 366 * 86_400)
        let grace = min(max(grace, 0), 366 * 86_400)
        return try await transaction { connection in
            // Abandoned intents become garbage, unless their data was committed after all: those not marked alive
            // for the intent age; at once those whose writer restarted since (its services row started later; 10 ms
            // allow for the rounding of the two times, both sent as JSON numbers and stored to the microsecond) or
            // stopped (2 minutes ago: more than a process's bounded graceful shutdown, in which it may still finish
            // writes); and those whose writer went silent (`IntentWriter.silenceLimit`: no heartbeat and no mark
            // alive for 15 minutes, while other services are heard within the last minute, so a broker outage that
            // silences everyone collects nothing). They skip the grace period: no read can be streaming data that
            // was never committed, and a late commit of it fails without its intent.
            try await connection.query(
                """
                WITH moved AS (
                    DELETE FROM write_intents w
                    WHERE w.alive_at < now() - make_interval(secs => \(intentAge))
                       OR EXISTS (
                           SELECT 1 FROM services s
                           WHERE s.id = w.writer AND w.writer_started_at IS NOT NULL
                             AND (s.started_at > w.writer_started_at + interval '10 milliseconds'
                                  OR (s.stopped_at IS NOT NULL AND s.stopped_at > w.writer_started_at
                                      AND s.stopped_at < now() - interval '120 seconds')
                                  OR (w.alive_at < now() - make_interval(secs => \(IntentWriter.silenceLimit))
                                      AND s.last_heartbeat < now() - make_interval(secs => \(IntentWriter.silenceLimit))
                                      AND EXISTS (SELECT 1 FROM services o
                                                  WHERE o.last_heartbeat > now() - interval '60 seconds'))))
                    RETURNING w.data_id, w.layout
                )
                INSERT INTO gc_queue (layout, enqueued_at)
                SELECT moved.layout, to_timestamp(0) FROM moved
                WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.data_id = moved.data_id)
                """,
                logger: logger
            )
            // Completions are remembered for retries for a day.
            try await connection.query(
                """
                DELETE FROM completed_uploads
                WHERE completed_at < now() - make_interval(secs => \(CompletedUpload.retention))
                """,
                logger: logger
            )
            guard limit > 0 else { return [] }
            let rows =
                lease > 0
                ? try await connection.query(
                    """
                    WITH taken AS (
                        SELECT id FROM gc_queue
                        WHERE enqueued_at <= now() - make_interval(secs => \(grace))
                          AND (leased_until IS NULL OR leased_until < now())
                        ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    )
                    UPDATE gc_queue g SET leased_until = now() + make_interval(secs => \(lease))
                    FROM taken WHERE g.id = taken.id
                    RETURNING g.id, g.layout::text,
                              (SELECT p.disk_ids FROM placement p WHERE p.data_id = g.layout ->> 'dataId')
                    """,
                    logger: logger
                )
                : try await connection.query(
                    """
                    SELECT id, layout::text,
                           (SELECT p.disk_ids FROM placement p WHERE p.data_id = g.layout ->> 'dataId')
                    FROM gc_queue g WHERE enqueued_at <= now() - make_interval(secs => \(grace))
                    ORDER BY id LIMIT \(limit)
                    """,
                    logger: logger
                )
            var items: [GarbageItem] = []
            for try await (id, text, live) in rows.decode((Int64, String, [String]?).self) {
                var layout = try MetadataJSON.decode(DataLayout.self, from: text)
                // Data still placed is only garbage where it no longer is: the stale copies a move left (rebuild,
                // drain). Its shards on the disks placement names now are never deleted.
                if let live { layout.diskIds = layout.diskIds.filter { !live.contains($0) } }
                items.append(GarbageItem(id: id, layout: layout))
            }
            return items.sorted { $0.id < $1.id }
        }
    }

    public func ackGarbage(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await transaction { connection in
            _ = try await connection.query("DELETE FROM gc_queue WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    public func releaseGarbage(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await transaction { connection in
            _ = try await connection.query(
                "UPDATE gc_queue SET leased_until = NULL WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    public func unknownDataIds(_ dataIds: [String], onDisk disk: String? = nil) async throws -> [String] {
        guard !dataIds.isEmpty else { return [] }
        guard dataIds.count <= 10_000 else { throw MetadataError(.invalidArgument, "At most 10000 data ids at once") }
        return try await transaction(readOnly: true) { connection in
            // With a disk: committed data whose placement does not name that disk has no shard there (a relocated
            // copy whose move was never recorded), unless the disk's copy is queued as garbage.
            let rows = try await connection.query(
                """
                SELECT u.id FROM unnest(\(dataIds)::text[]) AS u(id)
                WHERE NOT EXISTS (SELECT 1 FROM placement p WHERE p.data_id = u.id
                                  AND (\(disk)::text IS NULL OR \(disk)::text = ANY(p.disk_ids)))
                  AND NOT EXISTS (SELECT 1 FROM write_intents w WHERE w.data_id = u.id)
                  AND NOT EXISTS (SELECT 1 FROM gc_queue g WHERE g.layout ->> 'dataId' = u.id)
                """,
                logger: logger
            )
            var unknown: [String] = []
            for try await id in rows.decode(String.self) { unknown.append(id) }
            return unknown
        }
    }

    public func placements(diskIds: [String], after: String?, limit: Int) async throws -> [DataLayout] {
        let limit = min(max(limit, 0), 10_000)
        guard limit > 0, !diskIds.isEmpty else { return [] }
        return try await read { connection in
            let rows = try await connection.query(
                """
                SELECT layout::text FROM placement
                WHERE data_id > \(after ?? "") AND disk_ids && \(diskIds)::text[]
                ORDER BY data_id LIMIT \(limit)
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
}
