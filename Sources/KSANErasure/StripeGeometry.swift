/// How data bytes map onto stripes and shard blocks.
///
/// Full stripes carry `k * blockSize` data bytes, each shard block `blockSize` bytes. The last stripe may be
/// shorter: its shard blocks are `⌈remaining / k⌉` bytes, the data zero-padded to `k` blocks before encoding.
/// For replication (`replicated`), every shard is a full copy of the stripe's bytes.
public struct StripeGeometry: Sendable, Hashable {
    /// k.
    public var dataShards: Int
    /// m.
    public var parityShards: Int
    /// Whether shards are copies.
    public var replicated: Bool
    /// Bytes per shard block in a full stripe.
    public var blockSize: Int
    /// Data bytes stored.
    public var size: Int64

    /// Creates a geometry.
    public init(dataShards: Int, parityShards: Int, replicated: Bool, blockSize: Int, size: Int64) {
        self.dataShards = dataShards
        self.parityShards = parityShards
        self.replicated = replicated
        self.blockSize = blockSize
        self.size = size
    }

    /// Data bytes of a full stripe.
    public var stripeSize: Int { replicated ? blockSize : dataShards * blockSize }

    /// Number of stripes.
    public var stripeCount: Int { size == 0 ? 0 : Int((size + Int64(stripeSize) - 1) / Int64(stripeSize)) }

    /// Data bytes held by stripe `index`.
    public func dataLength(ofStripe index: Int) -> Int {
        let start = Int64(index) * Int64(stripeSize)
        return Int(min(Int64(stripeSize), max(0, size - start)))
    }

    /// Bytes of each shard block of stripe `index`.
    public func shardLength(ofStripe index: Int) -> Int {
        Self.shardLength(dataLength: dataLength(ofStripe: index), dataShards: dataShards, replicated: replicated)
    }

    /// Bytes of each shard block of a stripe holding `dataLength` data bytes: the data split over k shards (the
    /// last one zero-padded), or a full copy when replicated.
    public static func shardLength(dataLength: Int, dataShards: Int, replicated: Bool) -> Int {
        replicated ? dataLength : (dataLength + dataShards - 1) / dataShards
    }
}
