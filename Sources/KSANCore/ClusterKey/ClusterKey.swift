import Crypto
import Foundation
import NIOCore

/// The secret all processes of one cluster share, which authenticates calls to the internal APIs (the metadata
/// service and the OSDs).
///
/// The caller sends the time (`x-ksan-date`, Unix seconds), a random nonce (`x-ksan-nonce`) and an HMAC-SHA256
/// under the key (`x-ksan-signature`) of the method, path, query, time, nonce and the SHA-256 of the body. The server
/// recomputes it over what it received, compares in constant time, refuses times more than ``maxSkew`` off, and
/// refuses a nonce it has seen within that window (``ClusterKeyMiddleware``): an observed call can be neither
/// altered (another body, another query) nor replayed. The key itself never travels and is never logged.
public struct ClusterKey: Sendable, CustomStringConvertible {
    /// The header with the request time.
    public static let dateHeader = "x-ksan-date"
    /// The header with the request's nonce.
    public static let nonceHeader = "x-ksan-nonce"
    /// The header with the signature.
    public static let signatureHeader = "x-ksan-signature"
    /// The environment variable read when no key file is given.
    public static let environmentVariable = "KSAN_CLUSTER_KEY"
    /// Largest accepted difference between the request time and the server's clock, in seconds.
    public static let maxSkew: Double = 300

    private let key: SymmetricKey

    /// A key from its secret text; nil if it is shorter than 16 characters.
    public init?(secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 16 else { return nil }
        key = SymmetricKey(data: Data(trimmed.utf8))
    }

    /// The key from `file` (its whole content), else from the `KSAN_CLUSTER_KEY` environment variable, else nil.
    /// - Throws: ``ClusterKeyError`` if the file cannot be read or either source holds fewer than 16 characters.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ClusterKey?
    {
        try secret(file: file, environment: environment).flatMap { ClusterKey(secret: $0) }
    }

    /// The key's text (trimmed), from where ``load(file:environment:)`` reads it: for the portal, which hands it to
    /// joining hosts. Never logged.
    /// - Throws: ``ClusterKeyError`` as ``load(file:environment:)`` does.
    public static func secret(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> String?
    {
        let text: String
        if let file {
            guard let content = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ClusterKeyError("cannot read the cluster key file \(file)")
            }
            text = content
        } else if let content = environment[environmentVariable] {
            text = content
        } else {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= 16 else {
            throw ClusterKeyError("the cluster key must have at least 16 characters")
        }
        return trimmed
    }

    /// The headers that authenticate a request.
    /// - Parameters:
    ///   - path: the request path as sent.
    ///   - query: the query as sent, without `?` (empty if none).
    ///   - body: the body as sent (empty if none).
    public func headers(
        method: String, path: String, query: String = "", body: ByteBuffer = ByteBuffer(), now: Date = Date(),
        nonce: String = Self.newNonce()
    ) -> [(name: String, value: String)] {
        let date = String(Int64(now.timeIntervalSince1970))
        let digest = Self.bodyDigest(body)
        return [
            (Self.dateHeader, date), (Self.nonceHeader, nonce),
            (
                Self.signatureHeader,
                signature(method: method, path: path, query: query, date: date, nonce: nonce, bodyDigest: digest)
            ),
        ]
    }

    /// Whether `signature` is this key's signature of the request, with `date` within ``maxSkew`` of `now`. Replays
    /// are the caller's to refuse (the nonce is part of what is signed).
    public func verify(
        method: String, path: String, query: String, bodyDigest: String, date: String?, nonce: String?,
        signature: String?, now: Date = Date()
    ) -> Bool {
        guard let date, let seconds = Int64(date), let nonce, Self.isValid(nonce: nonce), let signature,
            abs(now.timeIntervalSince1970 - Double(seconds)) <= Self.maxSkew
        else { return false }
        let expected = Array(
            self.signature(
                method: method, path: path, query: query, date: date, nonce: nonce, bodyDigest: bodyDigest
            ).utf8)
        let given = Array(signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }

    /// The hex SHA-256 of a body.
    public static func bodyDigest(_ body: ByteBuffer) -> String {
        body.withUnsafeReadableBytes { Hex.encode(SHA256.hash(data: $0)) }
    }

    /// 32 random hex digits.
    public static func newNonce() -> String { Identifier.hex(bytes: 16) }

    /// Whether a nonce is 16 to 64 hex digits.
    static func isValid(nonce: String) -> Bool {
        (16...64).contains(nonce.utf8.count) && nonce.utf8.allSatisfy { Hex.digitValue($0) != nil }
    }

    func signature(method: String, path: String, query: String, date: String, nonce: String, bodyDigest: String)
        -> String
    {
        let text = "KSAN2\n\(method.uppercased())\n\(path)\n\(query)\n\(date)\n\(nonce)\n\(bodyDigest)"
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    public var description: String { "ClusterKey(<secret>)" }
}
