import KSANMetadata
import NIOCore

/// Relocation: the shards of a disk that must be emptied (rebuild, drain) re-created on other disks.
extension DataPlane {
    /// Writes the shards that `moves` take off their disks, for every stripe of `layout`, to their target disks.
    /// A shard whose disk still serves (not Bad, its host not Offline: a drained disk, a rebalance's source) is
    /// copied from it; the others, and any copy that fails, are rebuilt from the stripe's other shards
    /// (reconstructed with ISA-L, or copied for a replicated pool). A dead disk is never waited for. Placement is not changed here: the caller records the moves
    /// (``MetadataStore/moveShards(dataId:moves:)``) once this succeeded.
    /// - Returns: whether every moved shard of every stripe was written, and the bytes read and written.
    public func relocate(_ layout: DataLayout, moves: [ShardMove]) async -> RepairOutcome {
        guard !moves.isEmpty, (try? layout.validate()) != nil,
            moves.allSatisfy({ layout.diskIds.indices.contains($0.index) && layout.diskIds[$0.index] == $0.from })
        else { return RepairOutcome(repaired: false, bytes: 0) }
        guard let topology = try? await self.topology.current() else { return RepairOutcome(repaired: false, bytes: 0) }
        let geometry = layout.geometry
        let width = layout.dataShards + layout.parityShards
        let needed = layout.replicated ? 1 : layout.dataShards
        let moving = Set(moves.map(\.index))
        var bytes: Int64 = 0
        var damaged = false
        // A disk that is not Bad, on a host that serves, still answers (a drained disk, or the source of a
        // rebalance): its shards are copied from it, one read each, and rebuilt from the others only when that fails.
        let direct = moves.filter { move in
            topology.settings(ofDisk: move.from).state != .bad && !topology.isOnOfflineHost(move.from)
        }.map(\.index)
        for stripe in 0..<geometry.stripeCount {
            let length = geometry.shardLength(ofStripe: stripe)
            var shards = [ByteBuffer?](repeating: nil, count: width)
            if !direct.isEmpty {
                for (index, outcome) in await fetch(direct, layout, stripe: stripe, length: length, topology: topology)
                {
                    if case .data(let data) = outcome {
                        shards[index] = data
                        bytes += Int64(data.readableBytes)
                    }
                }
            }
            if moves.allSatisfy({ shards[$0.index] != nil }) {
                guard await write(shards, moves, stripe: stripe, layout: layout, topology: topology) else {
                    return RepairOutcome(repaired: false, bytes: bytes)
                }
                bytes += Int64(length * moves.count)
                continue
            }
            // Only as many of the other shards as a decode needs (those on Offline hosts last), the rest only if
            // some of those fail: every read is a shard's worth of I/O on a disk that also serves clients.
            let staying = (0..<width).filter { !moving.contains($0) && shards[$0] == nil }.sorted {
                (topology.isOnOfflineHost(layout.diskIds[$0]) ? 1 : 0, $0)
                    < (topology.isOnOfflineHost(layout.diskIds[$1]) ? 1 : 0, $1)
            }
            let have = shards.compactMap { $0 }.count
            var batches = [
                Array(staying.prefix(max(needed - have, 0))), Array(staying.dropFirst(max(needed - have, 0))),
            ]
            if batches[0].isEmpty { batches.removeFirst() }
            for batch in batches where shards.compactMap({ $0 }).count < needed {
                for (index, outcome) in await fetch(batch, layout, stripe: stripe, length: length, topology: topology) {
                    switch outcome {
                    case .data(let data):
                        shards[index] = data
                        bytes += Int64(data.readableBytes)
                    case .damaged: damaged = true
                    case .unanswered: break
                    }
                }
            }
            if shards.compactMap({ $0 }).count < needed {
                for (index, outcome) in await fetch(
                    Array(moving), layout, stripe: stripe, length: length, topology: topology)
                {
                    if case .data(let data) = outcome {
                        shards[index] = data
                        bytes += Int64(data.readableBytes)
                    }
                }
            }
            guard shards.compactMap({ $0 }).count >= needed else {
                logger.error(
                    "stripe cannot be relocated: too few intact shards",
                    metadata: ["ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)"])
                return RepairOutcome(repaired: false, bytes: bytes)
            }
            var out = shards
            do {
                // The moving shards not copied from their disks.
                try rebuild(&out, at: moves.map(\.index).filter { shards[$0] == nil }, layout: layout, length: length)
            } catch {
                logger.error("relocation failed", metadata: ["ksan.data": "\(layout.dataId)", "error": "\(error)"])
                return RepairOutcome(repaired: false, bytes: bytes)
            }
            guard await write(out, moves, stripe: stripe, layout: layout, topology: topology) else {
                return RepairOutcome(repaired: false, bytes: bytes)
            }
            bytes += Int64(length * moves.count)
        }
        // A shard of the staying disks found missing or corrupt on the way: the repair rewrites it.
        if damaged { queueRepair(layout, reason: "damage found while relocating shards") }
        logger.info(
            "shards relocated",
            metadata: [
                "ksan.data": "\(layout.dataId)", "ksan.moves": "\(moves.map { "\($0.index):\($0.from)->\($0.to)" })",
            ])
        return RepairOutcome(repaired: true, bytes: bytes)
    }

    /// Writes the moved shards of one stripe to their targets in parallel; true if every write succeeded.
    private func write(
        _ shards: [ByteBuffer?], _ moves: [ShardMove], stripe: Int, layout: DataLayout, topology: Topology
    )
        async -> Bool
    {
        await withTaskGroup(of: Bool.self) { group in
            for move in moves {
                let shard = shards[move.index]!
                group.addTask {
                    await writeShard(
                        shard, disk: move.to, stripe: stripe, shard: move.index, layout: layout, topology: topology)
                }
            }
            return await group.allSatisfy { $0 }
        }
    }

    /// Fetches shards `indices` of one stripe in parallel.
    private func fetch(_ indices: [Int], _ layout: DataLayout, stripe: Int, length: Int, topology: Topology) async
        -> [(Int, ShardFetch)]
    {
        await withTaskGroup(of: (Int, ShardFetch).self) { group in
            for index in indices {
                group.addTask {
                    (index, await fetchShard(layout, stripe: stripe, shard: index, length: length, topology: topology))
                }
            }
            var results: [(Int, ShardFetch)] = []
            for await result in group { results.append(result) }
            return results
        }
    }
}
