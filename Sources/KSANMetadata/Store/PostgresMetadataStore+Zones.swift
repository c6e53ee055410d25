import Foundation
import PostgresNIO

/// Zones: the other clusters this one knows by name, for replication.
extension PostgresMetadataStore {
    /// Every zone, by name.
    public func listZones() async throws -> [ZoneRecord] {
        try await zones(named: nil)
    }

    /// The zone `name`, if any.
    public func zone(named name: String) async throws -> ZoneRecord? {
        try await zones(named: name).first
    }

    func zones(named name: String?) async throws -> [ZoneRecord] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT name, endpoint, created_at FROM zones WHERE \(name)::text IS NULL OR name = \(name)
                ORDER BY name
                """,
                logger: logger)
            var zones: [ZoneRecord] = []
            for try await (name, endpoint, created) in rows.decode((String, String, Date).self) {
                zones.append(ZoneRecord(name: name, endpoint: endpoint, createdAt: created))
            }
            return zones
        }
    }

    /// Adds a zone. Throws `.invalidArgument` for a bad name or endpoint, `.conflict` if the name is taken.
    public func createZone(name: String, endpoint: String) async throws -> ZoneRecord {
        try Self.checkResourceId(name, "zone")
        guard ZoneRecord.isValid(endpoint: endpoint) else {
            throw MetadataError(
                .invalidArgument,
                "The endpoint must be http:// or https://, a host of letters, digits, '.' and '-', an optional port "
                    + "1 to 65535 and an optional path (no user, query or fragment)")
        }
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO zones (name, endpoint) VALUES (\(name), \(endpoint))
                ON CONFLICT (name) DO NOTHING RETURNING created_at
                """,
                logger: logger)
            for try await created in rows.decode(Date.self) {
                return ZoneRecord(name: name, endpoint: endpoint, createdAt: created)
            }
            throw MetadataError(.conflict, "Zone \(name) exists")
        }
    }

    /// Removes a zone. Throws `.notFound`.
    public func deleteZone(name: String) async throws {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM zones WHERE name = \(name) RETURNING name", logger: logger)
            guard try await !deleted.collect().isEmpty else { throw MetadataError(.notFound, "No such zone") }
        }
    }
}
