import KSANMetadata
import NIOCore

/// Repair: damage found by reads and writes queued for the background, and the rewrite of a layout's missing and
/// corrupt shards.
extension DataPlane {
    /// Queues `layout` for repair in the background (the read or write that found the damage does not wait), trying
    /// again with backoff while metadata cannot be reached. Every report is sent: metadata keeps one entry per data
    /// id. If metadata stays unreachable for all attempts the report is logged as lost; the OSDs' scrub, which
    /// checks every shard metadata expects on its disks, finds the damage again.
    func queueRepair(_ layout: DataLayout, reason: String) {
        let catalog = self.catalog
        let logger = self.logger
        Task.detached {
            var delay = Duration.milliseconds(200)
            for attempt in 1...6 {
                do {
                    try await catalog.queueRepair(layout)
                    logger.info(
                        "queued for repair", metadata: ["ksan.data": "\(layout.dataId)", "reason": "\(reason)"])
                    return
                } catch {
                    logger.warning(
                        "could not queue repair",
                        metadata: ["ksan.data": "\(layout.dataId)", "ksan.attempt": "\(attempt)", "error": "\(error)"])
                }
                try? await Task.sleep(for: delay)
                delay *= 3
            }
            logger.error(
                "repair report not queued; the scrub will find the damage", metadata: ["ksan.data": "\(layout.dataId)"])
        }
    }

    /// Rewrites the missing and corrupt shards of every stripe of `layout` on their own disks, from the shards that
    /// are intact (reconstructed with ISA-L, or copied for a replicated pool).
    /// - Returns: whether every shard of every stripe is now in place (not if a host did not answer, a stripe has
    ///   fewer than k intact shards, or a write failed: the repair stays queued), and the bytes read and written.
    public func repair(_ layout: DataLayout) async -> RepairOutcome {
        do {
            try layout.validate()
        } catch {
            logger.error(
                "repair skipped: invalid layout", metadata: ["ksan.data": "\(layout.dataId)", "error": "\(error)"])
            return RepairOutcome(repaired: false, bytes: 0)
        }
        var moved: Int64 = 0
        guard let topology = try? await self.topology.current() else { return RepairOutcome(repaired: false, bytes: 0) }
        let geometry = layout.geometry
        let width = layout.dataShards + layout.parityShards
        var rewritten = 0
        for stripe in 0..<geometry.stripeCount {
            let length = geometry.shardLength(ofStripe: stripe)
            var shards = [ByteBuffer?](repeating: nil, count: width)
            var complete = true
            await withTaskGroup(of: (Int, ShardFetch).self) { group in
                for shard in 0..<width {
                    group.addTask {
                        (
                            shard,
                            await fetchShard(layout, stripe: stripe, shard: shard, length: length, topology: topology)
                        )
                    }
                }
                for await (shard, outcome) in group {
                    switch outcome {
                    case .data(let bytes):
                        shards[shard] = bytes
                        moved += Int64(bytes.readableBytes)
                    case .damaged: break
                    case .unanswered: complete = false
                    }
                }
            }
            let missing = (0..<width).filter { shards[$0] == nil }
            // What is missing on a host that does not answer cannot be told.
            guard complete else { return RepairOutcome(repaired: false, bytes: moved) }
            guard !missing.isEmpty else { continue }
            guard width - missing.count >= (layout.replicated ? 1 : layout.dataShards) else {
                logger.error(
                    "stripe cannot be repaired: too few intact shards",
                    metadata: [
                        "ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)", "ksan.missing": "\(missing)",
                    ])
                return RepairOutcome(repaired: false, bytes: moved)
            }
            do {
                try rebuild(&shards, at: missing, layout: layout, length: length)
            } catch {
                logger.error("repair failed", metadata: ["ksan.data": "\(layout.dataId)", "error": "\(error)"])
                return RepairOutcome(repaired: false, bytes: moved)
            }
            for shard in missing {
                let written = await writeShard(
                    shards[shard]!, disk: layout.diskIds[shard], stripe: stripe, shard: shard, layout: layout,
                    topology: topology)
                guard written else { return RepairOutcome(repaired: false, bytes: moved) }
                moved += Int64(length)
                rewritten += 1
            }
        }
        logger.info("repaired", metadata: ["ksan.data": "\(layout.dataId)", "ksan.shards": "\(rewritten)"])
        return RepairOutcome(repaired: true, bytes: moved)
    }
}
