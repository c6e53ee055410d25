import Crypto
import Foundation
import KSANCore
import KSANMetadata

/// A join token, `ksanj_<id>_<secret>`: a new host trades it for the cluster key and addresses (`POST
/// /api/v1/join`). The id (12 lower-case letters and digits) finds the record; the secret (40 letters and digits) is
/// checked against the SHA-256 stored with it, in constant time. Only the hash is stored.
public struct JoinToken: Sendable, Hashable, CustomStringConvertible {
    /// The public part.
    public let id: String
    /// The secret part. Never logged.
    public let secret: String

    /// A new random token.
    public static func generate() -> JoinToken {
        JoinToken(
            id: CredentialGenerator.random(12, from: APIKey.idAlphabet),
            secret: CredentialGenerator.random(40, from: Array(CredentialGenerator.mixed)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses the text form; nil if it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ksanj", parts[1].count == 12, parts[2].count == 40,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        id = String(parts[1])
        secret = String(parts[2])
    }

    /// The text form, to give the operator once.
    public var text: String { "ksanj_\(id)_\(secret)" }

    /// SHA-256 hex of the secret, as stored.
    public var secretHash: String { Hex.encode(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether this token's secret matches a stored record (constant time in the hash's length).
    public func matches(_ record: JoinTokenRecord) -> Bool {
        ConstantTime.equal(record.secretHash, secretHash) && record.id == id
    }

    /// Describes the token without its secret.
    public var description: String { "JoinToken(\(id))" }
}
