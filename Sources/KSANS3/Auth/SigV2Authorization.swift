/// A parsed AWS Signature Version 2 authorization, taken from an `Authorization: AWS AKID:signature` header or
/// from the `AWSAccessKeyId`, `Signature` and `Expires` query parameters of a presigned URL.
///
/// Produced by ``SigV2/parse(_:)``, which has already checked its shape (non-empty access key and signature, a
/// numeric `Expires` for query authentication). The signature itself is checked by
/// ``SigV2/verify(_:auth:secretKey:now:virtualHostBucket:)``.
public struct SigV2Authorization: Sendable, Equatable {
    /// The access key id the client claims.
    public var accessKeyId: String
    /// The client's signature: the base64 HMAC-SHA1 of the string to sign, as sent (query values decoded).
    public var signature: String
    /// Whether the authorization came from query parameters rather than the `Authorization` header.
    public var isPresigned: Bool
    /// For query authentication, the `Expires` parameter: the end of validity in seconds since 1970; nil for header
    /// authentication.
    public var expires: Int?

    /// Creates an authorization. Normally obtained from ``SigV2/parse(_:)``.
    public init(accessKeyId: String, signature: String, isPresigned: Bool, expires: Int? = nil) {
        self.accessKeyId = accessKeyId
        self.signature = signature
        self.isPresigned = isPresigned
        self.expires = expires
    }
}
