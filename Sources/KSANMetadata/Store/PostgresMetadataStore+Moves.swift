import Foundation
import PostgresNIO

/// Shards moved to other disks by rebuilds and drains: placement is changed atomically, and the copies left behind
/// are queued as garbage.
extension PostgresMetadataStore {
    public func moveShards(dataId: String, moves: [ShardMove]) async throws -> DataLayout? {
        guard !moves.isEmpty else { return nil }
        guard moves.count <= 255 else { throw MetadataError(.invalidArgument, "At most 255 moves at once") }
        for move in moves { try Self.checkResourceId(move.to, "disk") }
        return try await transaction { connection in
            let rows = try await connection.query(
                "SELECT layout::text FROM placement WHERE data_id = \(dataId) FOR UPDATE", logger: logger)
            var found: DataLayout?
            for try await text in rows.decode(String.self) {
                found = try MetadataJSON.decode(DataLayout.self, from: text)
            }
            guard var layout = found else { return nil }
            var left: [String] = []
            for move in moves {
                // Only a shard still where the mover found it, to a disk the data does not use yet: a move that
                // raced another (two workers, an operator) changes nothing.
                guard layout.diskIds.indices.contains(move.index), layout.diskIds[move.index] == move.from,
                    !layout.diskIds.contains(move.to)
                else { continue }
                layout.diskIds[move.index] = move.to
                left.append(move.from)
            }
            guard !left.isEmpty else { return layout }
            try layout.validate()
            let json = try MetadataJSON.string(layout)
            try await connection.query(
                """
                UPDATE placement SET layout = \(json)::jsonb, disk_ids = \(layout.diskIds), moved_at = now()
                WHERE data_id = \(dataId)
                """,
                logger: logger)
            // The copies left behind, deleted after the grace period (reads that started on the old layout finish
            // on them: a shard's bytes are the same wherever it is). Garbage collection never deletes data where
            // placement names it, so a disk that gets the data back meanwhile keeps its shard.
            var stale = layout
            stale.diskIds = left
            try await connection.query(
                "INSERT INTO gc_queue (layout) VALUES (\(try MetadataJSON.string(stale))::jsonb)", logger: logger)
            return layout
        }
    }
}

extension PostgresMetadataStore {
    /// What is left on `disks` to move, and what moved in the last `window` seconds (one scan of placement).
    public func moveBacklog(disks: [String], window: Double = 300) async throws -> MoveBacklog {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE disk_ids && \(disks)::text[])::bigint,
                       COALESCE(sum((layout ->> 'size')::bigint) FILTER (WHERE disk_ids && \(disks)::text[]), 0)::bigint,
                       count(*) FILTER (WHERE moved_at > now() - make_interval(secs => \(window)))::bigint,
                       COALESCE(sum((layout ->> 'size')::bigint)
                           FILTER (WHERE moved_at > now() - make_interval(secs => \(window))), 0)::bigint
                FROM placement
                """,
                logger: logger)
            var backlog = MoveBacklog(data: 0, bytes: 0, movedData: 0, movedBytes: 0, window: window)
            for try await (data, bytes, moved, movedBytes) in rows.decode((Int64, Int64, Int64, Int64).self) {
                backlog = MoveBacklog(
                    data: Int(data), bytes: bytes, movedData: Int(moved), movedBytes: movedBytes, window: window)
            }
            return backlog
        }
    }
}
