/// What the operator and the cluster say of a disk: its health (`state`) and what it may be used for (`mode`), with
/// the names of the original KSAN. New shards go only to disks that are ReadWrite and Good or Weak; every disk that
/// holds shards still serves reads.
public struct DiskSettings: Codable, Sendable, Hashable {
    /// The disk's health.
    public enum State: String, Codable, Sendable, CaseIterable {
        case good = "Good"
        /// Usable, but failing checks now and then.
        case weak = "Weak"
        /// Failed: no new shards.
        case bad = "Bad"
        /// Taken out by the operator: no new shards.
        case disabled = "Disabled"
    }

    /// What the disk is used for.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case readWrite = "ReadWrite"
        /// Serves reads, receives no new shards.
        case readOnly = "ReadOnly"
        /// Being serviced: serves reads, receives no new shards.
        case maintenance = "Maintenance"
    }

    public var state: State
    public var mode: Mode

    /// Creates settings.
    public init(state: State = .good, mode: Mode = .readWrite) {
        self.state = state
        self.mode = mode
    }

    /// A disk as it starts: Good and ReadWrite.
    public static let `default` = DiskSettings()

    /// Whether new shards may be written to the disk.
    public var acceptsNewShards: Bool { mode == .readWrite && (state == .good || state == .weak) }
}
