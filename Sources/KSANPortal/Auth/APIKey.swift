import Foundation
import KSANMetadata

/// A portal API key, `ksan_<id>_<secret>` (``IdentifiedSecret``): the id finds the stored record, the secret is
/// checked against the SHA-256 stored with it, in constant time.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    let parts: IdentifiedSecret

    /// The public part.
    public var id: String { parts.id }
    /// The secret part. Never logged.
    public var secret: String { parts.secret }

    /// A new random key.
    public static func generate() -> APIKey { APIKey(parts: .generate()) }

    init(parts: IdentifiedSecret) {
        self.parts = parts
    }

    /// Parses the text form; nil if it is not one.
    public init?(_ text: String) {
        guard let parts = IdentifiedSecret(text, prefix: "ksan") else { return nil }
        self.parts = parts
    }

    /// The text form, to give the operator once.
    public var text: String { parts.text(prefix: "ksan") }

    /// SHA-256 hex of the secret, as stored.
    public var secretHash: String { parts.secretHash }

    /// Whether this key's secret matches a stored record (constant time in the hash's length).
    public func matches(_ record: APIKeyRecord) -> Bool {
        parts.matches(id: record.id, secretHash: record.secretHash)
    }

    /// Describes the key without its secret.
    public var description: String { "APIKey(\(id))" }
}
