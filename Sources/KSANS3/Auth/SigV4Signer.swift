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

    /// The query string of a presigned URL (SigV4 query authentication, `UNSIGNED-PAYLOAD`, only `host` signed):
    /// `rawQuery` followed by the `X-Amz-*` parameters and `X-Amz-Signature`, without `?`.
    /// - Parameters:
    ///   - host: the `Host` the URL will be sent to.
    ///   - expires: seconds the URL stays valid after `date` (1...604800).
    public func presign(
        method: String, rawPath: String, rawQuery: String = "", host: String, expires: Int, date: Date = Date()
    ) -> String {
        let amzDate = SigV4Time.formatAMZDate(date)
        var auth = SigV4Authorization(
            accessKeyId: accessKeyId, date: String(amzDate.prefix(8)), region: region, service: "s3",
            signedHeaders: ["host"], signature: "", amzDate: amzDate, payloadHash: SigV4.unsignedPayload,
            isPresigned: true, expiresSeconds: expires)
        let credential = SigV4Encoding.encode(Array("\(accessKeyId)/\(auth.scope)".utf8))
        let parameters =
            "X-Amz-Algorithm=\(SigV4.algorithm)&X-Amz-Credential=\(credential)&X-Amz-Date=\(amzDate)"
            + "&X-Amz-Expires=\(expires)&X-Amz-SignedHeaders=host"
        let query = rawQuery.isEmpty ? parameters : rawQuery + "&" + parameters
        let request = SigV4Request(method: method, rawPath: rawPath, rawQuery: query, headers: [("host", host)])
        auth.signature = SigV4.expectedSignature(request, auth: auth, secretKey: secretKey)
        return query + "&X-Amz-Signature=" + auth.signature
    }
}
