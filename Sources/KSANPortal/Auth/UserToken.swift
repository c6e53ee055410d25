import Crypto
import Foundation
import KSANCore
import KSANMetadata

/// A token a user presents as `X-Auth-Token` to the OS-EC2 credential API: `ksant_` and 40 random letters and
/// digits. Only its SHA-256 is stored, and a token is found by that hash: whoever reads the database cannot use one.
public struct UserToken: Sendable, Hashable, CustomStringConvertible {
    /// The whole token. Never logged.
    public let text: String

    /// A new random token.
    public static func generate() -> UserToken {
        UserToken(text: "ksant_" + CredentialGenerator.random(40, from: Array(CredentialGenerator.mixed)))
    }

    init(text: String) {
        self.text = text
    }

    /// Parses a presented token; nil if it is not of the form.
    public init?(presented: String) {
        let secret = presented.dropFirst(6)
        guard presented.hasPrefix("ksant_"), secret.count == 40,
            secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return nil }
        text = presented
    }

    /// SHA-256 hex, as stored.
    public var hash: String { Hex.encode(SHA256.hash(data: Data(text.utf8))) }

    /// Describes the token without it.
    public var description: String { "UserToken(...)" }
}
