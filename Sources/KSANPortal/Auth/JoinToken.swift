import Foundation
import KSANMetadata

/// A join token, `ksanj_<id>_<secret>` (``IdentifiedSecret``): a new host trades it for the cluster key and
/// addresses (`POST /api/v1/join`). The id finds the record; the secret is checked against the SHA-256 stored with
/// it, in constant time.
public struct JoinToken: Sendable, Hashable, CustomStringConvertible {
    let parts: IdentifiedSecret

    /// The public part.
    public var id: String { parts.id }
    /// The secret part. Never logged.
    public var secret: String { parts.secret }

    /// A new random token.
    public static func generate() -> JoinToken { JoinToken(parts: .generate()) }

    init(parts: IdentifiedSecret) {
        self.parts = parts
    }

    /// Parses the text form; nil if it is not one.
    public init?(_ text: String) {
        guard let parts = IdentifiedSecret(text, prefix: "ksanj") else { return nil }
        self.parts = parts
    }

    /// The text form, to give the operator once.
    public var text: String { parts.text(prefix: "ksanj") }

    /// SHA-256 hex of the secret, as stored.
    public var secretHash: String { parts.secretHash }

    /// Whether this token's secret matches a stored record (constant time in the hash's length).
    public func matches(_ record: JoinTokenRecord) -> Bool {
        parts.matches(id: record.id, secretHash: record.secretHash)
    }

    /// Describes the token without its secret.
    public var description: String { "JoinToken(\(id))" }
}
