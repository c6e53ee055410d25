/// The space of one disk as its OSD sees it (the file system holding the disk's directory), and its health.
public struct DiskUsage: Codable, Sendable, Hashable {
    /// The disk's id in the topology.
    public var id: String
    /// Size of the file system, in bytes.
    public var capacityBytes: Int64
    /// Bytes in use on it (by shards and by anything else on the same file system).
    public var usedBytes: Int64
    /// Failures (I/O errors, checksum failures) the OSD saw on the disk lately; nil: none.
    public var errors: Int?
    /// What the failures amount to (nil: healthy).
    public var health: DiskHealth?
    /// Whether the disk is full: its free space is under what the OSD keeps for writes in flight (twice its reserve),
    /// so it must get no new shards. nil: not full.
    public var full: Bool?

    public init(
        id: String, capacityBytes: Int64, usedBytes: Int64, errors: Int? = nil, health: DiskHealth? = nil,
        full: Bool? = nil
    ) {
        self.id = id
        self.capacityBytes = capacityBytes
        self.usedBytes = usedBytes
        self.errors = errors
        self.health = health
        self.full = full
    }
}
