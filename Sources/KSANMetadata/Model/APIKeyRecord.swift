import Foundation

/// An API key of the portal: its public id, a name, and the SHA-256 of its secret (the secret itself is never
/// stored).
public struct APIKeyRecord: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The public part of the key.
    public var id: String
    /// What it is for.
    public var name: String
    /// SHA-256 hex of the secret part.
    public var secretHash: String
    /// When it was created.
    public var createdAt: Date

    /// Creates a record.
    public init(id: String, name: String, secretHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
    }

    /// Describes the key without its hash.
    public var description: String { "APIKeyRecord(\(id), \(name))" }
}
