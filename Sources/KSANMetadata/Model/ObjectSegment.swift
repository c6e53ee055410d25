import Foundation

/// One contiguous run of an object's bytes: the whole object for a simple PUT, one part for a multipart upload.
///
/// Exactly one of `layout` (data on OSDs) and `inline` (small data kept in metadata) is set, except for
/// an empty segment, which has neither.
public struct ObjectSegment: Codable, Sendable, Hashable {
    /// Bytes in this segment.
    public var size: Int64
    /// Where the bytes live on OSDs.
    public var layout: DataLayout?
    /// The bytes themselves, for small data.
    public var inline: Data?
    /// The S3 additional checksum of these bytes (base64), when the client asked for one; multipart objects
    /// compose their checksum from their parts' ones.
    public var checksum: String?

    /// Creates a segment.
    public init(size: Int64, layout: DataLayout? = nil, inline: Data? = nil) {
        self.size = size
        self.layout = layout
        self.inline = inline
    }
}
