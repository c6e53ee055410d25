import Foundation

/// A multipart upload in progress, with the metadata its object will get on completion.
public struct MultipartUpload: Codable, Sendable, Hashable {
    /// The upload id.
    public var uploadId: String
    /// The bucket.
    public var bucket: String
    /// The key.
    public var key: String
    /// When the upload was created.
    public var initiated: Date
    /// The initiating user's id.
    public var ownerId: String
    /// Content-Type of the object to be.
    public var contentType: String
    /// `x-amz-meta-*` of the object to be.
    public var userMetadata: [String: String]
    /// Standard headers of the object to be (see ``ObjectVersion/headers``).
    public var headers: [String: String]
    /// The pool the parts are written to.
    public var poolId: String

    /// Creates an upload.
    public init(
        uploadId: String, bucket: String, key: String, initiated: Date, ownerId: String, contentType: String,
        userMetadata: [String: String], headers: [String: String], poolId: String
    ) {
        self.uploadId = uploadId
        self.bucket = bucket
        self.key = key
        self.initiated = initiated
        self.ownerId = ownerId
        self.contentType = contentType
        self.userMetadata = userMetadata
        self.headers = headers
        self.poolId = poolId
    }
}
