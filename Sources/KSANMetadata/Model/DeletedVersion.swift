/// What a delete of an object did, as S3 answers it (`x-amz-version-id`, `x-amz-delete-marker`).
public struct DeletedVersion: Codable, Sendable, Hashable {
    /// The version removed (a delete by id: the id asked for), or the delete marker made; nil on a bucket never
    /// versioned when no version id was given.
    public var versionId: String?
    /// Whether the version removed, or the one made, is a delete marker.
    public var isDeleteMarker: Bool
    /// The data that became garbage.
    public var garbage: [DataLayout]

    /// Creates a result.
    public init(versionId: String?, isDeleteMarker: Bool, garbage: [DataLayout]) {
        self.versionId = versionId
        self.isDeleteMarker = isDeleteMarker
        self.garbage = garbage
    }
}
