import Foundation
import KSANBus
import PostgresNIO

/// The versioned live settings of each kind of service (``ServiceSettings``): every change is a new version, with
/// its `config.changed` event in the same transaction (outbox), so that the services of the kind apply it.
extension PostgresMetadataStore {
    public func serviceSettings(kind: ServiceKind) async throws -> ServiceSettings? {
        try await settingsVersions(kind: kind, limit: 1).first
    }

    /// The versions of `kind`, newest first.
    public func settingsHistory(kind: ServiceKind, limit: Int = 100) async throws -> [ServiceSettings] {
        try await settingsVersions(kind: kind, limit: limit)
    }

    func settingsVersions(kind: ServiceKind, limit: Int) async throws -> [ServiceSettings] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT version, settings::text, comment, created_at FROM service_settings
                WHERE kind = \(kind.rawValue) ORDER BY version DESC LIMIT \(limit)
                """,
                logger: logger)
            var versions: [ServiceSettings] = []
            for try await (version, settings, comment, created) in rows.decode((Int, String, String?, Date).self) {
                versions.append(
                    ServiceSettings(
                        kind: kind, version: version,
                        settings: try MetadataJSON.decode([String: String].self, from: settings), createdAt: created,
                        comment: comment))
            }
            return versions
        }
    }

    /// Saves `settings` as the next version of `kind` and announces it. Throws `.invalidArgument` for a key the
    /// kind does not apply live or a bad value.
    public func saveSettings(kind: ServiceKind, settings: [String: String], comment: String?) async throws
        -> ServiceSettings
    {
        if let problem = LiveSettings.problem(with: settings, for: kind) {
            throw MetadataError(.invalidArgument, problem)
        }
        return try await transaction { connection in
            _ = try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended('settings/' || \(kind.rawValue), 0))", logger: logger
            ).collect()
            let json = try MetadataJSON.string(settings)
            let rows = try await connection.query(
                """
                INSERT INTO service_settings (kind, version, settings, comment)
                SELECT \(kind.rawValue), COALESCE(max(version), 0) + 1, \(json)::jsonb, \(comment)
                FROM service_settings WHERE kind = \(kind.rawValue)
                RETURNING version, created_at
                """,
                logger: logger)
            for try await (version, created) in rows.decode((Int, Date).self) {
                let saved = ServiceSettings(
                    kind: kind, version: version, settings: settings, createdAt: created, comment: comment)
                try await recordEvent(
                    saved, exchange: BusExchange.control, routingKey: ServiceSettings.routingKey, on: connection)
                return saved
            }
            throw MetadataError(.internal, "no version was saved")
        }
    }

    /// Makes the settings of an earlier `version` the current ones again, as a new version. Throws `.notFound`.
    public func rollbackSettings(kind: ServiceKind, to version: Int) async throws -> ServiceSettings {
        guard let old = try await settingsVersions(kind: kind, limit: Int.max).first(where: { $0.version == version })
        else {
            throw MetadataError(.notFound, "No version \(version) of the \(kind.rawValue) settings")
        }
        return try await saveSettings(kind: kind, settings: old.settings, comment: "rollback to version \(version)")
    }
}
