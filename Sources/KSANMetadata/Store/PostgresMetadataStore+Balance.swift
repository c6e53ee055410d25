import Foundation
import PostgresNIO

/// Pools that grow: disks added to a pool, and the rebalance that spreads the shards already stored over them.
extension PostgresMetadataStore {
    /// Sets the disks of a pool. Refused (`.conflict`) if a disk left out still holds shards of the pool's data
    /// (drain it first), and (`.invalidTopology`) if the pool could then lose data with one failure domain down.
    public func setPoolDisks(id: String, disks: [String]) async throws {
        for disk in disks { try Self.checkResourceId(disk, "disk") }
        guard Set(disks).count == disks.count else { throw MetadataError(.invalidArgument, "A disk is listed twice") }
        try await topologyChange(TopologyChange(change: "pool.updated", id: id)) { connection in
            var topology = try await topology(on: connection)
            guard let index = topology.pools.firstIndex(where: { $0.id == id }) else {
                throw MetadataError(.notFound, "No such pool")
            }
            let removed = Set(topology.pools[index].disks).subtracting(disks).sorted()
            if !removed.isEmpty {
                let held = try await connection.query(
                    """
                    SELECT d, count(*) FROM placement, unnest(disk_ids) AS d
                    WHERE pool_id = \(id) AND disk_ids && \(removed)::text[] AND d = ANY(\(removed)::text[])
                    GROUP BY d ORDER BY d LIMIT 1
                    """,
                    logger: logger)
                for try await (disk, count) in held.decode((String, Int64).self) {
                    throw MetadataError(
                        .conflict,
                        "Disk \(disk) holds shards of \(count) stored object part(s) of pool \(id): drain it first "
                            + "(ksanctl disk drain \(disk))")
                }
            }
            topology.pools[index].disks = disks
            try PoolPlacement.validate(pool: topology.pools[index], topology: topology)
            try await connection.query("UPDATE pools SET disk_ids = \(disks) WHERE id = \(id)", logger: logger)
        }
    }

    /// Asks the workers to spread the pool's shards evenly over its disks (`on`), or stops a rebalance. Starting one
    /// that runs keeps its start time.
    public func setRebalance(poolId: String, on: Bool) async throws {
        try await topologyChange(TopologyChange(change: "pool.updated", id: poolId)) { connection in
            let rows = try await connection.query(
                on
                    ? "UPDATE pools SET rebalance_since = COALESCE(rebalance_since, now()) WHERE id = \(poolId) RETURNING id"
                    : "UPDATE pools SET rebalance_since = NULL WHERE id = \(poolId) RETURNING id",
                logger: logger)
            guard try await !rows.collect().isEmpty else { throw MetadataError(.notFound, "No such pool") }
        }
    }

    public func finishRebalance(poolId: String, since: Date) async throws {
        try await topologyChange(TopologyChange(change: "pool.rebalanced", id: poolId)) { connection in
            // Only the rebalance the worker saw: one asked for again meanwhile (stopped and started) carries on.
            try await connection.query(
                """
                UPDATE pools SET rebalance_since = NULL
                WHERE id = \(poolId) AND rebalance_since IS NOT NULL
                  AND abs(extract(epoch FROM rebalance_since) - \(since.timeIntervalSince1970)) < 0.001
                """,
                logger: logger)
        }
    }

    public func diskLoads(poolId: String) async throws -> [String: Int64] {
        try await read { connection in
            // The bytes of one shard of a data: its size over its data shards (a copy of it when replicated).
            let rows = try await connection.query(
                """
                SELECT d, sum(ceil((p.layout ->> 'size')::numeric
                                   / CASE WHEN (p.layout ->> 'replicated')::boolean THEN 1
                                          ELSE greatest((p.layout ->> 'dataShards')::int, 1) END))::bigint
                FROM placement p, unnest(p.disk_ids) AS d
                WHERE p.pool_id = \(poolId)
                GROUP BY d
                """,
                logger: logger)
            var loads: [String: Int64] = [:]
            for try await (disk, bytes) in rows.decode((String, Int64).self) { loads[disk] = bytes }
            return loads
        }
    }
}
