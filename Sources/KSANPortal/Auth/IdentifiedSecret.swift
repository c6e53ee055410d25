import Crypto
import Foundation
import KSANCore
import KSANMetadata

/// The shape of the portal's credentials, `<prefix>_<id>_<secret>` (``APIKey``: `ksan`, ``JoinToken``: `ksanj`):
/// the id (12 lower-case letters and digits) finds the stored record, the secret (40 letters and digits) is checked
/// against the SHA-256 stored with it, in constant time. Only the hash is stored, so a database dump grants nothing.
struct IdentifiedSecret: Sendable, Hashable {
    let id: String
    let secret: String

    static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A new random one.
    static func generate() -> IdentifiedSecret {
        IdentifiedSecret(
            id: CredentialGenerator.random(12, from: idAlphabet),
            secret: CredentialGenerator.random(40, from: Array(CredentialGenerator.mixed)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses `<prefix>_<id>_<secret>`; nil if `text` is not of that form.
    init?(_ text: String, prefix: String) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix, parts[1].count == 12, parts[2].count == 40,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        id = String(parts[1])
        secret = String(parts[2])
    }

    /// The text form with `prefix`.
    func text(prefix: String) -> String { "\(prefix)_\(id)_\(secret)" }

    /// SHA-256 hex of the secret, as stored.
    var secretHash: String { Hex.encode(SHA256.hash(data: Data(secret.utf8))) }

    /// Whether this is the credential stored as `id` with `secretHash` (constant time in the hash's length).
    func matches(id storedId: String, secretHash storedHash: String) -> Bool {
        ConstantTime.equal(storedHash, secretHash) && storedId == id
    }
}
