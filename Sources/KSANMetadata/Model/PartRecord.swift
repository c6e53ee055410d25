import Foundation

/// One uploaded part of a multipart upload.
public struct PartRecord: Codable, Sendable, Hashable {
    /// The part number, 1...10000.
    public var partNumber: Int
    /// MD5 hex of the part, without quotes.
    public var etag: String
    /// When it was uploaded.
    public var lastModified: Date
    /// Where its bytes are.
    public var segment: ObjectSegment

    /// Creates a part.
    public init(partNumber: Int, etag: String, lastModified: Date, segment: ObjectSegment) {
        self.partNumber = partNumber
        self.etag = etag
        self.lastModified = lastModified
        self.segment = segment
    }

    /// The size of the part in bytes.
    public var size: Int64 { segment.size }
}
