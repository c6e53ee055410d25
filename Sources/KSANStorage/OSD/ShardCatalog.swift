/// What metadata says about the data on an OSD's disks, as the scrub needs it. KSANStorage knows nothing of
/// metadata; `ksan-osd` adapts the metadata client to this.
public protocol ShardCatalog: Sendable {
    /// Committed data with at least one shard on `disks`, in data id order after `after`, at most `limit` of them,
    /// each with every shard those disks should hold.
    func expectedShards(disks: [String], after: String?, limit: Int) async throws -> [ExpectedData]
    /// The ids among `dataIds` that metadata knows nothing of on `disk`: not committed with a shard on it, not being
    /// written, not garbage.
    func unknownDataIds(_ dataIds: [String], onDisk disk: String) async throws -> [String]
    /// Queues the data for repair: a shard of it on `disk` is corrupt or missing.
    func reportDamaged(dataId: String, disk: String) async
}

/// Committed data and the shards one OSD should hold of it.
public struct ExpectedData: Sendable, Hashable {
    /// The data id.
    public var dataId: String
    /// The shards on this OSD's disks.
    public var shards: [ExpectedShard]

    /// Creates an entry.
    public init(dataId: String, shards: [ExpectedShard]) {
        self.dataId = dataId
        self.shards = shards
    }
}

/// One shard file a disk should hold.
public struct ExpectedShard: Sendable, Hashable {
    /// The disk id.
    public var disk: String
    /// The shard.
    public var address: ShardAddress
    /// Its data length (the file is ``ShardFileFormat/fileSize(dataLength:)`` bytes).
    public var length: Int

    /// Creates an entry.
    public init(disk: String, address: ShardAddress, length: Int) {
        self.disk = disk
        self.address = address
        self.length = length
    }
}
