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
    /// Whether the disk's OSD says it is full (``DiskFullness``): it serves reads and takes no new shards until its
    /// OSD says otherwise. Not an operator's setting.
    public var full: Bool

    /// Creates settings.
    public init(state: State = .good, mode: Mode = .readWrite, full: Bool = false) {
        self.state = state
        self.mode = mode
        self.full = full
    }

    /// A disk as it starts: Good and ReadWrite, not full.
    public static let `default` = DiskSettings()

    /// Whether new shards may be written to the disk.
    public var acceptsNewShards: Bool { acceptsNewShardsWhenItHasRoom && !full }

    /// Whether new shards could be written to the disk if it had room: its state and mode allow them.
    public var acceptsNewShardsWhenItHasRoom: Bool { mode == .readWrite && (state == .good || state == .weak) }

    enum CodingKeys: String, CodingKey { case state, mode, full }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(State.self, forKey: .state)
        mode = try container.decode(Mode.self, forKey: .mode)
        full = try container.decodeIfPresent(Bool.self, forKey: .full) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(mode, forKey: .mode)
        if full { try container.encode(full, forKey: .full) }
    }
}
