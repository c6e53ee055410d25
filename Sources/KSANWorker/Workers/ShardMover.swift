import KSANData
import KSANMetadata
import Logging

/// Moves shards to other disks for the workers that do (rebuild, rebalance, and repair when a shard's own disk is
/// full): writes each moved shard to its target (``DataPlane/relocate(_:moves:)``), then records the moves in
/// placement atomically (``MetadataStore/moveShards(dataId:moves:)``), which queues the copies left behind for
/// deletion. A move another mover made first leaves this one's copy to nobody: it is deleted.
struct ShardMover {
    let metadata: any MetadataStore
    let data: DataPlane
    let logger: Logger

    /// Relocates and records `moves` of `layout`; returns the bytes read and written, and how many shards now live
    /// on their targets (0 if the relocation failed: nothing is recorded then).
    func move(_ layout: DataLayout, _ moves: [ShardMove]) async throws -> (bytes: Int64, moved: Int) {
        let outcome = await data.relocate(layout, moves: moves)
        guard outcome.repaired else { return (outcome.bytes, 0) }
        let current = try await metadata.moveShards(dataId: layout.dataId, moves: moves)
        let orphaned = moves.map(\.to).filter { current?.diskIds.contains($0) != true }
        if !orphaned.isEmpty {
            var copies = layout
            copies.diskIds = orphaned
            _ = await data.delete(copies)
            logger.info(
                "relocated shards not recorded (moved meanwhile, or the data is gone): deleted",
                metadata: ["ksan.data": "\(layout.dataId)", "ksan.disks": "\(orphaned)"])
        }
        return (outcome.bytes, moves.count - orphaned.count)
    }
}
