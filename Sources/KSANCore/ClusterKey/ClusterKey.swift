import Crypto
import Foundation

/// The secret all processes of one cluster share, which authenticates calls to the internal APIs (the metadata
/// service and the OSDs): the caller sends the time (`x-ksan-date`, Unix seconds) and an HMAC-SHA256 of method,
/// path and time under the key (`x-ksan-signature`); the server checks it in constant time and refuses times more
/// than 5 minutes off. The key itself never travels and is never logged.
public struct ClusterKey: Sendable, CustomStringConvertible {
    /// The header with the request time.
    public static let dateHeader = "x-ksan-date"
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
        let secret: String
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ClusterKeyError("cannot read the cluster key file \(file)")
            }
            secret = text
        } else if let text = environment[environmentVariable] {
            secret = text
        } else {
            return nil
        }
        guard let key = ClusterKey(secret: secret) else {
            throw ClusterKeyError("the cluster key must have at least 16 characters")
        }
        return key
    }

    /// The headers that authenticate a request.
    /// - Parameter path: the request path as sent (no query).
    public func headers(method: String, path: String, now: Date = Date()) -> [(name: String, value: String)] {
        let date = String(Int64(now.timeIntervalSince1970))
        return [(Self.dateHeader, date), (Self.signatureHeader, signature(method: method, path: path, date: date))]
    }

    /// Whether `signature` is this key's signature of the request at `date`, with `date` within ``maxSkew``.
    public func verify(method: String, path: String, date: String?, signature: String?, now: Date = Date()) -> Bool {
        guard let date, let seconds = Int64(date), let signature,
            abs(now.timeIntervalSince1970 - Double(seconds)) <= Self.maxSkew
        else { return false }
        let expected = Array(self.signature(method: method, path: path, date: date).utf8)
        let given = Array(signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }

    func signature(method: String, path: String, date: String) -> String {
        let text = "KSAN1\n\(method.uppercased())\n\(path)\n\(date)"
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    public var description: String { "ClusterKey(<secret>)" }
}
