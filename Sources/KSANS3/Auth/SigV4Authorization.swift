/// A parsed SigV4 credential scope and signature, taken from the `Authorization` header or from the
/// query parameters of a presigned URL.
///
/// Produced by ``SigV4/parse(_:)``, which has already checked its shape (five-part scope ending in
/// `aws4_request`, service `s3`, 64-hex signature, well-formed `amzDate` on the scope's day, `host` signed).
public struct SigV4Authorization: Sendable, Equatable {
    /// The access key id from the credential scope.
    public var accessKeyId: String
    /// The scope date, `yyyyMMdd`.
    public var date: String
    /// The scope region (`us-east-1`, ...).
    public var region: String
    /// The scope service; always `s3` once parsed.
    public var service: String
    /// The signed header names, lower-case, in the order the client gave them.
    public var signedHeaders: [String]
    /// The client's signature, 64 lower-case hex digits.
    public var signature: String
    /// The request time, `yyyyMMdd'T'HHmmss'Z'`: the `x-amz-date` header, the `Date` header converted, or the
    /// `X-Amz-Date` query parameter.
    public var amzDate: String
    /// The payload hash that goes last in the canonical request: the `x-amz-content-sha256` value (a SHA-256 hex
    /// digest, `UNSIGNED-PAYLOAD` or a `STREAMING-...` marker), or `UNSIGNED-PAYLOAD` for a presigned URL that
    /// does not name one.
    public var payloadHash: String
    /// Whether the authorization came from presigned-URL query parameters rather than the `Authorization` header.
    public var isPresigned: Bool
    /// `X-Amz-Expires` for a presigned URL (1...604800 seconds); nil for header authorization.
    public var expiresSeconds: Int?

    /// Creates an authorization. Normally obtained from ``SigV4/parse(_:)``.
    public init(
        accessKeyId: String,
        date: String,
        region: String,
        service: String,
        signedHeaders: [String],
        signature: String,
        amzDate: String,
        payloadHash: String,
        isPresigned: Bool,
        expiresSeconds: Int? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.date = date
        self.region = region
        self.service = service
        self.signedHeaders = signedHeaders
        self.signature = signature
        self.amzDate = amzDate
        self.payloadHash = payloadHash
        self.isPresigned = isPresigned
        self.expiresSeconds = expiresSeconds
    }

    /// The credential scope, `date/region/service/aws4_request`.
    public var scope: String {
        "\(date)/\(region)/\(service)/aws4_request"
    }

    /// Whether the payload is sent with `aws-chunked` encoding (`x-amz-content-sha256: STREAMING-...`), each
    /// chunk carrying its own signature chained from this one.
    public var isStreaming: Bool {
        payloadHash.hasPrefix("STREAMING-")
    }

    /// Whether the payload hash is the literal `UNSIGNED-PAYLOAD`, i.e. the body is not covered by the signature.
    public var isUnsignedPayload: Bool {
        payloadHash == SigV4.unsignedPayload
    }
}
