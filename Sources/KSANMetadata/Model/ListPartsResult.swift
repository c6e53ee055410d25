/// A page of ListParts.
public struct ListPartsResult: Codable, Sendable, Hashable {
    /// The parts, by ascending part number.
    public var parts: [PartRecord]
    /// Whether more parts follow.
    public var isTruncated: Bool
    /// The part number marker of the next page.
    public var nextPartNumberMarker: Int?

    /// Creates a result.
    public init(parts: [PartRecord], isTruncated: Bool, nextPartNumberMarker: Int?) {
        self.parts = parts
        self.isTruncated = isTruncated
        self.nextPartNumberMarker = nextPartNumberMarker
    }
}
