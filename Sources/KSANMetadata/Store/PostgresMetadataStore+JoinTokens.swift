import Foundation
import PostgresNIO

/// Join tokens: what a new host trades for the cluster's key and addresses (``JoinTokenRecord``).
extension PostgresMetadataStore {
    /// Saves a new token. Expired tokens go at the same time. Throws `.conflict` if the id is taken.
    @discardableResult
    public func saveJoinToken(
        id: String, secretHash: String, description: String, expiresAt: Date, uses: Int
    ) async throws -> JoinTokenRecord {
        try await transaction { connection in
            try await connection.query("DELETE FROM join_tokens WHERE expires_at < now()", logger: logger)
            let rows = try await connection.query(
                """
                INSERT INTO join_tokens (id, secret_hash, description, expires_at, uses_left)
                VALUES (\(id), \(secretHash), \(description), \(expiresAt), \(uses))
                ON CONFLICT (id) DO NOTHING RETURNING created_at
                """,
                logger: logger)
            for try await created in rows.decode(Date.self) {
                return JoinTokenRecord(
                    id: id, secretHash: secretHash, description: description, createdAt: created,
                    expiresAt: expiresAt, usesLeft: uses, hosts: [])
            }
            throw MetadataError(.conflict, "Join token \(id) exists")
        }
    }

    /// Every token that has not expired, oldest first.
    public func listJoinTokens() async throws -> [JoinTokenRecord] {
        try await read { connection in
            try await Self.joinTokens(id: nil, lock: false, connection: connection, logger: logger)
        }
    }

    /// The token `id` (expired or not), if any.
    public func joinToken(id: String) async throws -> JoinTokenRecord? {
        try await read { connection in
            try await Self.joinTokens(id: id, lock: false, connection: connection, logger: logger).first
        }
    }

    /// Removes a token (expired or not). Throws `.notFound`.
    public func deleteJoinToken(id: String) async throws {
        try await transaction { connection in
            let deleted = try await connection.query(
                "DELETE FROM join_tokens WHERE id = \(id) RETURNING id", logger: logger)
            guard try await !deleted.collect().isEmpty else { throw MetadataError(.notFound, "No such join token") }
        }
    }

    /// Redeems the token `id` for `host`, if `verify` accepts its stored record (the caller's constant-time check
    /// of the secret) and ``JoinTokenRecord/redeem(by:at:)`` does: a use is taken and the host recorded, atomically
    /// (two hosts racing for the last use cannot both get it).
    /// - Returns: The redemption, or nil when there is no such token or `verify` refused it.
    public func redeemJoinToken(
        id: String, host: String, verify: @Sendable (JoinTokenRecord) -> Bool
    ) async throws -> JoinTokenRecord.Redemption? {
        try await transaction { connection in
            guard
                let token = try await Self.joinTokens(id: id, lock: true, connection: connection, logger: logger)
                    .first,
                verify(token)
            else { return nil }
            let redemption = token.redeem(by: host, at: Date())
            if case .accepted(usesOne: true) = redemption {
                try await connection.query(
                    """
                    UPDATE join_tokens SET uses_left = uses_left - 1, hosts = array_append(hosts, \(host))
                    WHERE id = \(id)
                    """,
                    logger: logger)
            }
            return redemption
        }
    }

    /// Tokens by id (nil: every unexpired one), optionally locked for update.
    static func joinTokens(id: String?, lock: Bool, connection: PostgresConnection, logger: Logger) async throws
        -> [JoinTokenRecord]
    {
        let rows: PostgresRowSequence
        if let id {
            rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: Self.joinTokenColumns + " WHERE id = $1" + (lock ? " FOR UPDATE" : ""),
                    binds: Self.binds(id)),
                logger: logger)
        } else {
            rows = try await connection.query(
                PostgresQuery(unsafeSQL: Self.joinTokenColumns + " WHERE expires_at > now() ORDER BY created_at, id"),
                logger: logger)
        }
        var tokens: [JoinTokenRecord] = []
        for try await (id, hash, description, created, expires, uses, hosts) in rows.decode(
            (String, String, String, Date, Date, Int, [String]).self)
        {
            tokens.append(
                JoinTokenRecord(
                    id: id, secretHash: hash, description: description, createdAt: created, expiresAt: expires,
                    usesLeft: uses, hosts: hosts))
        }
        return tokens
    }

    static let joinTokenColumns =
        "SELECT id, secret_hash, description, created_at, expires_at, uses_left, hosts FROM join_tokens"
}
