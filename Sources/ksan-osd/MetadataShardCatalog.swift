import KSANErasure
import KSANMetadata
import KSANStorage
import Logging

/// The scrub's view of metadata (``ShardCatalog``) over the metadata service: expected shards from the placement
/// of committed data, unknown data ids, and repair reports.
struct MetadataShardCatalog: ShardCatalog {
    let metadata: MetadataClient
    let logger: Logger

    func expectedShards(disks: [String], after: String?, limit: Int) async throws -> [ExpectedData] {
        let wanted = Set(disks)
        // Layouts come from metadata, which validated them when they were committed; checked again before use.
        return try await metadata.placements(diskIds: disks, after: after, limit: limit).map { layout in
            guard (try? layout.validate()) != nil else { return ExpectedData(dataId: layout.dataId, shards: []) }
            let geometry = StripeGeometry(
                dataShards: layout.dataShards, parityShards: layout.parityShards, replicated: layout.replicated,
                blockSize: layout.blockSize, size: layout.size)
            var shards: [ExpectedShard] = []
            for (index, disk) in layout.diskIds.enumerated() where wanted.contains(disk) {
                for stripe in 0..<geometry.stripeCount {
                    guard let address = try? ShardAddress(dataId: layout.dataId, stripe: stripe, shard: index) else {
                        continue
                    }
                    shards.append(
                        ExpectedShard(disk: disk, address: address, length: geometry.shardLength(ofStripe: stripe)))
                }
            }
            return ExpectedData(dataId: layout.dataId, shards: shards)
        }
    }

    func unknownDataIds(_ dataIds: [String], onDisk disk: String) async throws -> [String] {
        try await metadata.unknownDataIds(dataIds, onDisk: disk)
    }

    func reportDamaged(dataId: String, disk: String) async {
        do {
            let queued = try await metadata.queueRepair(dataId: dataId)
            logger.notice(
                queued ? "queued for repair" : "damaged shard of data that is not committed",
                metadata: ["ksan.data": "\(dataId)", "ksan.disk": "\(disk)"])
        } catch {
            logger.error("could not queue repair", metadata: ["ksan.data": "\(dataId)", "error": "\(error)"])
        }
    }
}
