import Foundation
import PostgresNIO

/// Users' tokens (X-Auth-Token of the OS-EC2 credential API) and the credentials they reach.
extension PostgresMetadataStore {
    /// Saves a token of `userId` by the SHA-256 of its text, valid until `expiresAt`; expired tokens go at the same
    /// time. Throws `.notFound` for an unknown user.
    public func saveUserToken(hash: String, userId: String, expiresAt: Date) async throws {
        try await transaction { connection in
            let user = try await connection.query("SELECT 1 FROM users WHERE id = \(userId) FOR SHARE", logger: logger)
            guard try await !user.collect().isEmpty else { throw MetadataError(.notFound, "No such user") }
            try await connection.query("DELETE FROM user_tokens WHERE expires_at < now()", logger: logger)
            try await connection.query(
                """
                INSERT INTO user_tokens (token_hash, user_id, expires_at) VALUES (\(hash), \(userId), \(expiresAt))
                """,
                logger: logger)
        }
    }

    /// The user of the unexpired token whose SHA-256 is `hash`, if any.
    public func userId(forTokenHash hash: String) async throws -> String? {
        try await read { connection in
            let rows = try await connection.query(
                "SELECT user_id FROM user_tokens WHERE token_hash = \(hash) AND expires_at > now()", logger: logger)
            for try await userId in rows.decode(String.self) { return userId }
            return nil
        }
    }

    /// The S3 keys of `userId`, with their secrets, by creation time.
    public func ec2Credentials(userId: String) async throws -> [EC2Credential] {
        try await read { connection in
            let rows = try await connection.query(
                """
                SELECT access_key_id, secret_key, tenant_id FROM access_keys WHERE user_id = \(userId)
                ORDER BY created_at, access_key_id
                """,
                logger: logger)
            var credentials: [EC2Credential] = []
            for try await (access, secret, tenant) in rows.decode((String, String, String?).self) {
                credentials.append(EC2Credential(access: access, secret: secret, tenantId: tenant, userId: userId))
            }
            return credentials
        }
    }
}
