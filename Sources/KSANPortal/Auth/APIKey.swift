import Crypto
import Foundation
import KSANCore
import KSANMetadata

/// A portal API key, `ksan_<id>_<secret>`: the id (12 lower-case letters and digits) finds the stored record, the
/// secret (40 letters and digits) is checked against the SHA-256 stored with it, in constant time. Only the hash is
/// stored, so a database dump grants nothing.
public struct APIKey: Sendable, Hashable, CustomStringConvertible {
    /// The public part.
    public let id: String
    /// The secret part. Never logged.
    public let secret: String

    static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random key.
    public static func generate() -> APIKey {
        APIKey(
            id: CredentialGenerator.random(12, from: idAlphabet),
            secret: CredentialGenerator.random(40, from: Array(CredentialGenerator.mixed)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses the text form; nil if it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "ksan", parts[1].count == 12, parts[2].count == 40,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        id = String(parts[1])
        secret = String(parts[2])
    }

    /// The text form, to give the operator once.
    public var text: String { "ksan_\(id)_\(secret)" }

    /// SHA-256 hex of the secret, as stored.
    public var secretHash: String { Self.hash(secret) }

    static func hash(_ secret: String) -> String { Hex.encode(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether this key's secret matches a stored hash (constant time in the hash's length).
    public func matches(_ record: APIKeyRecord) -> Bool {
        ConstantTime.equal(record.secretHash, secretHash) && record.id == id
    }

    /// Describes the key without its secret.
    public var description: String { "APIKey(\(id))" }
}
