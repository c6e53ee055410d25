/// A part named in a CompleteMultipartUpload request.
public struct CompletedPart: Codable, Sendable, Hashable {
    /// The part number.
    public var partNumber: Int
    /// The ETag the client got for it, without quotes.
    public var etag: String
    /// When set, the stored part's additional checksum (base64, as in ``ObjectSegment/checksum``) must equal this,
    /// else the part is `invalidPart`: the client's checksum of the part, or the one the object checksum was
    /// computed from.
    public var checksum: String?

    /// Creates a completed part.
    public init(partNumber: Int, etag: String, checksum: String? = nil) {
        self.partNumber = partNumber
        self.etag = etag
        self.checksum = checksum
    }

    /// An ETag as compared by CompleteMultipartUpload: without quotes, lower case.
    public static func normalize(etag: String) -> String {
        var value = Substring(etag)
        while value.first == "\"" { value = value.dropFirst() }
        while value.last == "\"" { value = value.dropLast() }
        return value.lowercased()
    }
}
