/// A part named in a CompleteMultipartUpload request.
public struct CompletedPart: Codable, Sendable, Hashable {
    /// The part number.
    public var partNumber: Int
    /// The ETag the client got for it, without quotes.
    public var etag: String

    /// Creates a completed part.
    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}
