import Crypto

/// How the chunks of an `aws-chunked` body (`Content-Encoding: aws-chunked`) are signed.
///
/// Chosen from the `x-amz-content-sha256` marker of the request: `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` and
/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` are ``signed(signingKey:amzDate:scope:seedSignature:)``,
/// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` is ``unsigned``.
public enum AWSChunkedMode: Sendable {
    /// Every chunk carries `;chunk-signature=`, chained from the seed signature of the `Authorization` header;
    /// a trailer, when present, ends with `x-amz-trailer-signature`.
    ///
    /// - Parameters:
    ///   - signingKey: The SigV4 signing key of the request's scope
    ///     (``SigV4/signingKey(secretKey:date:region:service:)``).
    ///   - amzDate: The request time, `yyyyMMdd'T'HHmmss'Z'` (``SigV4Authorization/amzDate``).
    ///   - scope: The credential scope, `date/region/s3/aws4_request` (``SigV4Authorization/scope``).
    ///   - seedSignature: The signature of the `Authorization` header (``SigV4Authorization/signature``).
    case signed(signingKey: SymmetricKey, amzDate: String, scope: String, seedSignature: String)
    /// Chunks are framed without signatures; integrity comes from the trailing checksum.
    case unsigned

    /// The mode of an authenticated streaming request, or nil when its payload hash is not an `aws-chunked`
    /// marker this decoder supports (plain digests, `UNSIGNED-PAYLOAD`, and the ECDSA `STREAMING-AWS4-ECDSA-...`
    /// variants of SigV4a).
    ///
    /// - Parameters:
    ///   - authorization: The verified authorization of the request.
    ///   - secretKey: The secret of the authorization's access key.
    public init?(authorization: SigV4Authorization, secretKey: String) {
        switch authorization.payloadHash {
        case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER":
            let key = SigV4.signingKey(
                secretKey: secretKey, date: authorization.date, region: authorization.region,
                service: authorization.service)
            self = .signed(
                signingKey: key, amzDate: authorization.amzDate, scope: authorization.scope,
                seedSignature: authorization.signature)
        case "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
            self = .unsigned
        default:
            return nil
        }
    }

    /// Whether a request with this `x-amz-content-sha256` marker ends its `aws-chunked` body with trailing headers
    /// (the `...-TRAILER` markers).
    public static func expectsTrailer(payloadHash: String) -> Bool {
        payloadHash.hasPrefix("STREAMING-") && payloadHash.hasSuffix("-TRAILER")
    }
}
