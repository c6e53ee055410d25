/// What is left to move off disks being emptied (rebuild, drain), and what moved lately.
public struct MoveBacklog: Codable, Sendable, Hashable {
    /// Data with a shard on one of the disks.
    public var data: Int
    /// Their bytes (of the whole data, not only the shards on these disks).
    public var bytes: Int64
    /// Data moved (a shard of it) in the last `window` seconds, and their bytes.
    public var movedData: Int
    public var movedBytes: Int64
    public var window: Double

    public init(data: Int, bytes: Int64, movedData: Int, movedBytes: Int64, window: Double) {
        self.data = data
        self.bytes = bytes
        self.movedData = movedData
        self.movedBytes = movedBytes
        self.window = window
    }
}
