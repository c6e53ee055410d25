/// Where and how one run of object data (a whole small object, or one multipart part) is stored on OSDs.
///
/// The data is cut into stripes of `dataShards * blockSize` bytes; stripe `s` is encoded into
/// `dataShards + parityShards` shard blocks, and shard `i` of every stripe is stored on disk `diskIds[i]`,
/// in a shard file named by `dataId`, `s` and `i`. A replicated pool is `dataShards == 1`, `parityShards == n - 1`,
/// with every shard a full copy. The layout is recorded in metadata, so later topology changes never lose track of data.
public struct DataLayout: Codable, Sendable, Hashable {
    /// Unique id of this run of data; names its shard files on every disk.
    public var dataId: String
    /// The pool the disks were chosen from.
    public var poolId: String
    /// k: data shards per stripe.
    public var dataShards: Int
    /// m: parity shards per stripe (copies minus one in a replicated pool).
    public var parityShards: Int
    /// Whether shards are full copies (replicated pool) rather than Reed-Solomon shards.
    public var replicated: Bool
    /// Bytes of each shard block in a full stripe.
    public var blockSize: Int
    /// The disk of each shard index, `dataShards + parityShards` entries.
    public var diskIds: [String]
    /// The number of data bytes stored.
    public var size: Int64

    /// Creates a layout.
    public init(
        dataId: String, poolId: String, dataShards: Int, parityShards: Int, replicated: Bool, blockSize: Int,
        diskIds: [String], size: Int64
    ) {
        self.dataId = dataId
        self.poolId = poolId
        self.dataShards = dataShards
        self.parityShards = parityShards
        self.replicated = replicated
        self.blockSize = blockSize
        self.diskIds = diskIds
        self.size = size
    }
}
