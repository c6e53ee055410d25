import Foundation
import KSANBus
import PostgresNIO

/// The services of the cluster, as their heartbeats record them, and the disk space OSDs report.
extension PostgresMetadataStore {
    /// Records a heartbeat (or, with `stopped`, a service's last word): the service's row, and the space of the
    /// disks it serves that the topology knows.
    public func recordHeartbeat(_ heartbeat: ServiceHeartbeat, stopped: Bool = false) async throws {
        try await recordHeartbeats([(heartbeat, stopped)])
    }

    /// Records heartbeats (each with whether it is the service's last word) in one transaction.
    public func recordHeartbeats(_ heartbeats: [(heartbeat: ServiceHeartbeat, stopped: Bool)]) async throws {
        let now = Date()
        try await transaction { connection in
            for (heartbeat, stopped) in heartbeats {
                try await record(heartbeat, stoppedAt: stopped ? now : nil, at: now, on: connection)
            }
        }
    }

    func record(_ heartbeat: ServiceHeartbeat, stoppedAt: Date?, at now: Date, on connection: PostgresConnection)
        async throws
    {
        try await connection.query(
            """
            INSERT INTO services (id, kind, server_id, endpoint, version, started_at, last_heartbeat,
                                  interval_seconds, stopped_at)
            VALUES (\(heartbeat.id), \(heartbeat.kind.rawValue), \(heartbeat.serverId), \(heartbeat.endpoint),
                    \(heartbeat.version), \(heartbeat.startedAt), \(now), \(heartbeat.intervalSeconds),
                    \(stoppedAt))
            ON CONFLICT (id) DO UPDATE SET
                kind = EXCLUDED.kind, server_id = EXCLUDED.server_id, endpoint = EXCLUDED.endpoint,
                version = EXCLUDED.version, started_at = EXCLUDED.started_at,
                last_heartbeat = EXCLUDED.last_heartbeat, interval_seconds = EXCLUDED.interval_seconds,
                stopped_at = EXCLUDED.stopped_at
            """,
            logger: logger)
        for disk in heartbeat.disks {
            try await connection.query(
                """
                UPDATE disks SET capacity_bytes = \(disk.capacityBytes), used_bytes = \(disk.usedBytes),
                    usage_at = \(now)
                WHERE id = \(disk.id)
                """,
                logger: logger)
        }
    }

    /// Every recorded service, by kind and id.
    public func listServices() async throws -> [ServiceRecord] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT id, kind, server_id, endpoint, version, started_at, last_heartbeat, interval_seconds,
                       stopped_at
                FROM services ORDER BY kind, id
                """,
                logger: logger)
            var services: [ServiceRecord] = []
            for try await (id, kind, serverId, endpoint, version, startedAt, last, interval, stoppedAt) in rows.decode(
                (String, String, String?, String, String, Date, Date, Double, Date?).self)
            {
                guard let kind = ServiceKind(rawValue: kind) else { continue }
                services.append(
                    ServiceRecord(
                        id: id, kind: kind, serverId: serverId, endpoint: endpoint, version: version,
                        startedAt: startedAt, lastHeartbeat: last, intervalSeconds: interval, stoppedAt: stoppedAt))
            }
            return services
        }
    }

    /// Forgets a service (one that was removed for good; a running one registers again with its next heartbeat).
    /// Throws `.notFound`.
    public func deleteService(id: String) async throws {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM services WHERE id = \(id) RETURNING id", logger: logger)
            guard try await !deleted.collect().isEmpty else { throw MetadataError(.notFound, "No such service") }
        }
    }

    /// The last reported space of every disk that reported it, by disk id.
    public func diskUsage() async throws -> [String: DiskUsage] {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT id, capacity_bytes, used_bytes FROM disks WHERE capacity_bytes IS NOT NULL", logger: logger)
            var usage: [String: DiskUsage] = [:]
            for try await (id, capacity, used) in rows.decode((String, Int64, Int64?).self) {
                usage[id] = DiskUsage(id: id, capacityBytes: capacity, usedBytes: used ?? 0)
            }
            return usage
        }
    }
}
