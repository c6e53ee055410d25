/// The space of one disk as its OSD sees it (the file system holding the disk's directory).
public struct DiskUsage: Codable, Sendable, Hashable {
    /// The disk's id in the topology.
    public var id: String
    /// Size of the file system, in bytes.
    public var capacityBytes: Int64
    /// Bytes in use on it (by shards and by anything else on the same file system).
    public var usedBytes: Int64

    public init(id: String, capacityBytes: Int64, usedBytes: Int64) {
        self.id = id
        self.capacityBytes = capacityBytes
        self.usedBytes = usedBytes
    }
}
