/// The release every KSAN executable reports (in heartbeats, `--version` and `/metrics`).
public enum KSANVersion {
    /// Semantic version of this build.
    public static let current = "0.9.0"
}
