/// What committing a version did: the id it was given and the data it displaced.
public struct CommittedVersion: Codable, Sendable, Hashable {
    /// The version id the store gave the version: a new id on a bucket with versioning enabled, `null` otherwise.
    public var versionId: String
    /// The data that became garbage (a replaced `null` version's).
    public var displaced: [DataLayout]

    /// Creates a result.
    public init(versionId: String, displaced: [DataLayout]) {
        self.versionId = versionId
        self.displaced = displaced
    }
}
