import KSANMetadata
import KSANStorage
import NIOCore

/// Reads: a stripe's shards fetched in parallel (``ShardGather`` decides which and when), reconstructed from
/// parity when some are missing, slow or corrupt.
extension DataPlane {
    /// Reads the data bytes of one stripe: the `k` data shards when healthy, reconstructing from parity when up to
    /// `m` shards are missing, unreachable, slow or corrupt (see ``gatherShards(_:stripe:length:topology:)``).
    /// - Parameter reports: what the request already reported as damaged (reported once per request).
    func readStripe(
        _ layout: DataLayout, index: Int, topology: Topology, reports: DamageReports = DamageReports()
    ) async throws -> ByteBuffer {
        let geometry = layout.geometry
        let width = layout.dataShards + layout.parityShards
        let shardLength = geometry.shardLength(ofStripe: index)
        let dataLength = geometry.dataLength(ofStripe: index)
        let (shards, damaged) = await gatherShards(layout, stripe: index, length: shardLength, topology: topology)
        if damaged, reports.isFirst(layout.dataId) {
            queueRepair(layout, reason: "a shard was missing or corrupt on read")
        }
        if layout.replicated {
            guard let copy = shards.lazy.compactMap({ $0 }).first else {
                throw DataError(.unavailable, "no copy of \(layout.dataId) stripe \(index) is readable")
            }
            return copy
        }
        let lost = (0..<width).filter { shards[$0] == nil }
        guard lost.count <= layout.parityShards else {
            throw DataError(
                .unavailable, "\(lost.count) of \(width) shards of \(layout.dataId) stripe \(index) are unreadable")
        }
        if lost.allSatisfy({ $0 >= layout.dataShards }) {
            var out = ByteBufferAllocator().buffer(capacity: layout.dataShards * shardLength)
            for shard in 0..<layout.dataShards { out.writeImmutableBuffer(shards[shard]!) }
            return out.getSlice(at: out.readerIndex, length: dataLength)!
        }
        let stripe = try reconstruct(shards, layout: layout, length: shardLength)
        return stripe.getSlice(at: stripe.readerIndex, length: dataLength)!
    }

    /// Fetches shards of one stripe until enough have arrived to return its data: `k` (one copy for a replicated
    /// pool). Data shards come first, but a shard on a suspect or Offline host (or a Bad or Disabled disk) is replaced by a
    /// parity shard from the start, and a shard that fails is replaced at once. If the stripe is not complete after
    /// `hedgeDelay`, every other shard is asked for too, and the first `k` win; requests still running then are
    /// cancelled, and a host that kept one waiting past `hedgeDelay` becomes suspect.
    /// - Returns: the shards by index (nil for those not fetched or not readable), and whether an OSD answered
    ///   that a shard is missing or corrupt (the data needs repair).
    func gatherShards(_ layout: DataLayout, stripe: Int, length: Int, topology: Topology) async
        -> (shards: [ByteBuffer?], damaged: Bool)
    {
        let width = layout.dataShards + layout.parityShards
        // Shards on a host that lately did not answer or is Offline, or on a disk marked Bad or Disabled, are asked
        // for last.
        let suspect = (0..<width).map { shard in
            let disk = layout.diskIds[shard]
            guard topology.settings(ofDisk: disk).servesReadsFirst else { return true }
            guard let host = topology.host(ofDisk: disk), !host.isOffline else { return true }
            return health.isSuspect(host.endpoint)
        }
        var gather = ShardGather(needed: layout.replicated ? 1 : layout.dataShards, suspect: suspect)
        var shards = [ByteBuffer?](repeating: nil, count: width)
        await withTaskGroup(of: (Int, ShardFetch)?.self) { group in
            func launch(_ launched: [Int]) {
                for shard in launched {
                    group.addTask {
                        (
                            shard,
                            await fetchShard(layout, stripe: stripe, shard: shard, length: length, topology: topology)
                        )
                    }
                }
            }
            launch(gather.start())
            let hedge = options.hedgeDelay
            group.addTask {
                try? await Task.sleep(for: hedge)
                return nil
            }
            while !gather.isDone, let outcome = await group.next() {
                guard let (shard, fetched) = outcome else {
                    launch(gather.hedge())  // ask every other shard too
                    continue
                }
                if case .data(let data) = fetched { shards[shard] = data }
                launch(gather.fetched(fetched.outcome))
            }
            group.cancelAll()
        }
        return (shards, gather.damaged)
    }

    /// Fetches one shard; nil if it is missing, corrupt or its host does not answer (the host then becomes suspect;
    /// also if the fetch is cancelled after it kept the stripe waiting past `hedgeDelay`).
    func fetchShard(_ layout: DataLayout, stripe: Int, shard: Int, length: Int, topology: Topology) async
        -> ShardFetch
    {
        let disk = layout.diskIds[shard]
        let started = ContinuousClock.now
        var endpoint: String?
        do {
            guard let host = topology.host(ofDisk: disk) else {
                throw StorageError(.noSuchDisk, "disk \(disk) has no host")
            }
            endpoint = host.endpoint
            let address = try ShardAddress(dataId: layout.dataId, stripe: stripe, shard: shard)
            let bytes = try await shards.read(
                endpoint: host.endpoint, disk: disk, address: address, expectedLength: length)
            health.markAnswered(host.endpoint)
            return .data(bytes)
        } catch {
            let cancelled = Task.isCancelled
            if let endpoint, Self.hostDidNotAnswer(error) {
                if !cancelled {
                    health.markFailed(endpoint)
                } else if ContinuousClock.now - started >= options.hedgeDelay {
                    health.markFailed(endpoint)
                    logger.warning(
                        "shard read abandoned: host too slow",
                        metadata: ["ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)", "ksan.disk": "\(disk)"])
                }
            }
            if !cancelled {
                logger.warning(
                    "shard read failed, reconstructing",
                    metadata: [
                        "ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)", "ksan.disk": "\(disk)",
                        "error": "\(error)",
                    ])
            }
            if let error = error as? StorageError, error.code == .notFound || error.code == .corrupt {
                return .damaged
            }
            return .unanswered
        }
    }
}
