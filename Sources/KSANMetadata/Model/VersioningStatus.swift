/// A bucket's versioning state, as S3 has it: never versioned, versioning enabled, or suspended after having been
/// enabled (a bucket never returns to unversioned).
///
/// It decides what a write or a delete without a version id does to a key's versions
/// (see `PostgresMetadataStore.commit`):
/// - unversioned: the one version, `null`, is replaced; a delete removes it.
/// - enabled: a write adds a version with a new id; a delete adds a delete marker with a new id.
/// - suspended: a write replaces the `null` version (wherever it is in the key's history) and makes it current;
///   a delete does the same with a `null` delete marker.
public enum VersioningStatus: String, Codable, Sendable, Hashable, CaseIterable {
    /// Never versioned: every object's one version is `null`.
    case unversioned = "Unversioned"
    /// Every write makes a new version.
    case enabled = "Enabled"
    /// Writes make the `null` version; versions made while enabled are kept.
    case suspended = "Suspended"

    /// Whether writes made now get a version id of their own (rather than `null`).
    public var makesVersions: Bool { self == .enabled }
}
