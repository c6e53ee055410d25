import KSANMetadata
import Logging

/// What a handler knows about the request it serves.
public struct S3Context: Sendable {
    /// The parsed request.
    public var request: S3Request
    /// The operation.
    public var operation: S3Operation
    /// The authenticated user's key; nil for an anonymous request.
    public var user: AccessKeyRecord?
    /// The signed payload hash (`x-amz-content-sha256`), if any.
    public var payloadHash: String?
    /// How the body's aws-chunked framing is signed, for streaming uploads (`STREAMING-*` payload hashes).
    public var streaming: AWSChunkedMode?
    /// The request id (also in `x-amz-request-id`).
    public var requestId: String
    /// A logger carrying the request id.
    public var logger: Logger
}
