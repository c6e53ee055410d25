import Crypto
import Foundation
import KSANCore

/// The result of a completed multipart upload, kept for ``retention`` after the completion so that a retry of the
/// same CompleteMultipartUpload (a client whose first response was lost) gets the same success instead of
/// NoSuchUpload, as S3 answers it.
public struct CompletedUpload: Codable, Sendable, Equatable {
    /// The upload id.
    public var uploadId: String
    /// The object's key.
    public var key: String
    /// The object's ETag (`md5-of-md5s-N`, without quotes).
    public var etag: String
    /// ``digest(of:)`` of the parts the completion named: only a retry naming the same parts is answered.
    public var partsDigest: String
    /// Further elements of the response (`ChecksumCRC32` and `ChecksumType`), empty if none.
    public var responseElements: [String: String]
    /// When the upload was completed (the database's clock).
    public var completedAt: Date
    /// The version id the object was given (nil for `null`, and for completions recorded before versioning).
    public var versionId: String?

    /// How long a completion is remembered, in seconds (a day).
    public static let retention: Double = 86_400

    /// Creates a record.
    public init(
        uploadId: String, key: String, etag: String, partsDigest: String, responseElements: [String: String],
        completedAt: Date, versionId: String? = nil
    ) {
        self.uploadId = uploadId
        self.key = key
        self.etag = etag
        self.partsDigest = partsDigest
        self.responseElements = responseElements
        self.completedAt = completedAt
        self.versionId = versionId
    }

    /// The hex SHA-256 of a completion's part list: part numbers and ETags (without quotes, lower case), in order.
    public static func digest(of parts: [CompletedPart]) -> String {
        var hash = SHA256()
        for part in parts {
            hash.update(data: Data("\(part.partNumber):\(CompletedPart.normalize(etag: part.etag))\n".utf8))
        }
        return Hex.encode(hash.finalize())
    }
}
