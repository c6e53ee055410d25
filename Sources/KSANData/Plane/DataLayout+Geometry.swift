import KSANErasure
import KSANMetadata

/// The stripe geometry and write quorum of a layout.
extension DataLayout {
    /// The stripe geometry of this layout.
    public var geometry: StripeGeometry {
        StripeGeometry(
            dataShards: dataShards, parityShards: parityShards, replicated: replicated, blockSize: blockSize, size: size
        )
    }

    /// Shards that must be durable before a stripe is acknowledged: k + 1, capped at k + m.
    public var writeQuorum: Int { min(dataShards + 1, dataShards + parityShards) }
}
