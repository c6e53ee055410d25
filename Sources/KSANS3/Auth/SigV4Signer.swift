import Foundation

/// Signs requests with SigV4 header authentication, for KSAN's own clients (benchmark, tests).
public struct SigV4Signer: Sendable {
    /// Access key id.
    public var accessKeyId: String
    /// Secret key.
    public var secretKey: String
    /// Region of the credential scope.
    public var region: String

    /// Creates a signer.
    public init(accessKeyId: String, secretKey: String, region: String) {
        self.accessKeyId = accessKeyId
        self.secretKey = secretKey
        self.region = region
    }

    /// The headers to add to a request (`x-amz-date`, `x-amz-content-sha256`, `Authorization`).
    /// - Parameters:
    ///   - rawPath: the path as it will be sent, percent-encoded.
    ///   - rawQuery: the query as it will be sent, without `?`.
    ///   - headers: other headers to sign (names lower-case); `host` is required.
    ///   - payloadHash: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public func sign(
        method: String, rawPath: String, rawQuery: String = "", headers: [(name: String, value: String)],
        payloadHash: String = SigV4.unsignedPayload, date: Date = Date()
    ) -> [(name: String, value: String)] {
        let amzDate = SigV4Time.formatAMZDate(date)
        var all = headers
        all.append(("x-amz-date", amzDate))
        all.append(("x-amz-content-sha256", payloadHash))
        let signed = Array(Set(all.map { $0.name.lowercased() })).sorted()
        var auth = SigV4Authorization(
            accessKeyId: accessKeyId, date: String(amzDate.prefix(8)), region: region, service: "s3",
            signedHeaders: signed, signature: "", amzDate: amzDate, payloadHash: payloadHash, isPresigned: false)
        let request = SigV4Request(method: method, rawPath: rawPath, rawQuery: rawQuery, headers: all)
        auth.signature = SigV4.expectedSignature(request, auth: auth, secretKey: secretKey)
        let authorization =
            "\(SigV4.algorithm) Credential=\(accessKeyId)/\(auth.scope), SignedHeaders=\(signed.joined(separator: ";")), "
            + "Signature=\(auth.signature)"
        return [("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash), ("authorization", authorization)]
    }
}
