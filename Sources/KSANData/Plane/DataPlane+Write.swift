import Foundation
import KSANCore
import KSANErasure
import KSANMetadata
import KSANStorage
import NIOCore

/// Writes: a body streamed into stripes, each erasure-coded and its shards written in parallel with a quorum.
extension DataPlane {
    /// Streams `body` into the pool, computing MD5 (and SHA-256 and an additional checksum if asked) on the way.
    /// With a known `length` the body must have exactly that many bytes (else IncompleteBody); with `nil` (a POST
    /// form's file) it may have up to `maxLength` (else EntityTooLarge). Bodies that end within the inline
    /// threshold are kept inline. On any failure, including a short body or a client that goes away, the shards
    /// written so far are deleted (or left to garbage collection through their write intent) and the error is
    /// rethrown.
    public func write<Body: AsyncSequence>(
        body: Body, length: Int64?, maxLength: Int64, poolId: String, sha256: Bool,
        checksum algorithm: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData where Body.Element == ByteBuffer {
        var hashes = BodyHashes(sha256: sha256, checksum: algorithm)
        let limit = length ?? maxLength
        var received: Int64 = 0
        var iterator = body.makeAsyncIterator()
        func next() async throws -> ByteBuffer? {
            guard let chunk = try await iterator.next() else { return nil }
            received += Int64(chunk.readableBytes)
            guard received <= limit else {
                throw DataError(length == nil ? .tooLarge : .incompleteBody, "the body is longer than \(limit) bytes")
            }
            hashes.update(chunk)
            return chunk
        }
        func checkLength() throws {
            if let length, received != length {
                throw DataError(.incompleteBody, "the body ended after \(received) of \(length) bytes")
            }
        }

        // The head: up to the inline threshold, plus one chunk past it if the body goes on.
        var head = ByteBuffer()
        while head.readableBytes <= options.inlineThreshold {
            guard let chunk = try await next() else {
                try checkLength()
                return hashes.result(
                    ObjectSegment(size: received, inline: received == 0 ? nil : Data(buffer: head)))
            }
            head.writeImmutableBuffer(chunk)
        }

        let topology = try await self.topology.current()
        guard let pool = topology.pools.first(where: { $0.id == poolId }) ?? topology.defaultPool else {
            throw DataError(.noPool, "No storage pool is configured.")
        }
        let dataId = Identifier.hex(bytes: 16)
        let disks = try PoolPlacement.place(dataId: dataId, pool: pool, topology: topology)
        var layout = DataLayout(
            dataId: dataId, poolId: pool.id, dataShards: pool.dataShards, parityShards: pool.parityShards,
            replicated: pool.isReplicated, blockSize: options.blockSize, diskIds: disks, size: length ?? 0)
        let coder =
            layout.replicated ? nil : try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
        try await catalog.registerIntent(WriteIntent(layout: layout, createdAt: Date(), writer: options.writer))
        let stripeSize = layout.geometry.stripeSize
        let stripeLayout = layout
        var intentTouched = ContinuousClock.now
        /// Marks the intent alive every `intentRefresh`; a write whose intent was collected fails.
        func keepIntentAlive() async throws {
            guard ContinuousClock.now - intentTouched >= options.intentRefresh else { return }
            guard try await catalog.touchIntent(dataId: dataId) else {
                throw MetadataError(.dataExpired, "the write intent of \(dataId) was collected")
            }
            intentTouched = ContinuousClock.now
        }
        let degraded: Bool
        do {
            degraded = try await withThrowingTaskGroup(of: Bool.self) { group in
                var inFlight = 0
                var index = 0
                var degraded = false
                var stripe = allocateStripe(stripeLayout, dataLength: stripeSize)
                func flush() async throws {
                    if inFlight >= options.stripesInFlight {
                        if try await group.next() == true { degraded = true }
                        inFlight -= 1
                    }
                    let full = stripe
                    let stripeIndex = index
                    group.addTask {
                        try await storeStripe(
                            full, index: stripeIndex, layout: stripeLayout, coder: coder, topology: topology)
                    }
                    inFlight += 1
                    index += 1
                    stripe = allocateStripe(stripeLayout, dataLength: stripeSize)
                    try await keepIntentAlive()
                }
                var chunk: ByteBuffer? = head
                while var bytes = chunk {
                    while bytes.readableBytes > 0 {
                        let want = stripeSize - stripe.readableBytes
                        stripe.writeImmutableBuffer(bytes.readSlice(length: Swift.min(want, bytes.readableBytes))!)
                        if stripe.readableBytes == stripeSize { try await flush() }
                    }
                    chunk = try await next()
                }
                try checkLength()
                if stripe.readableBytes > 0 { try await flush() }
                for try await stripeDegraded in group where stripeDegraded { degraded = true }
                return degraded
            }
        } catch {
            discard(layout, reason: "write failed: \(error)")
            throw error
        }
        layout.size = received
        if degraded { queueRepair(layout, reason: "written with fewer shards than the stripe width") }
        return hashes.result(ObjectSegment(size: received, layout: layout))
    }

    /// A buffer for one stripe's data with room for its parity.
    func allocateStripe(_ layout: DataLayout, dataLength: Int) -> ByteBuffer {
        let width = layout.dataShards + layout.parityShards
        let shard = StripeGeometry.shardLength(
            dataLength: dataLength, dataShards: layout.dataShards, replicated: layout.replicated)
        let capacity = layout.replicated ? shard : width * shard
        return ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Encodes one stripe and writes its shards in parallel; succeeds once the write quorum is durable.
    /// - Returns: whether some shard was not written (the stripe needs repair).
    func storeStripe(_ data: ByteBuffer, index: Int, layout: DataLayout, coder: ErasureCoder?, topology: Topology)
        async throws -> Bool
    {
        let width = layout.dataShards + layout.parityShards
        let shardLength = StripeGeometry.shardLength(
            dataLength: data.readableBytes, dataShards: layout.dataShards, replicated: layout.replicated)
        var shards: [ByteBuffer]
        if let coder {
            var buffer = data
            buffer.writeRepeatingByte(0, count: width * shardLength - buffer.readableBytes)
            buffer.withUnsafeMutableReadableBytes { raw in
                coder.encode(shards: (0..<width).map { raw.baseAddress! + $0 * shardLength }, length: shardLength)
            }
            shards = (0..<width).map {
                buffer.getSlice(at: buffer.readerIndex + $0 * shardLength, length: shardLength)!
            }
        } else {
            shards = Array(repeating: data, count: width)
        }
        let (written, full) = await writeShards(shards, index: index, layout: layout, topology: topology)
        guard written >= layout.writeQuorum else {
            let message = "only \(written) of \(width) shards written, quorum \(layout.writeQuorum)"
            // Disks that filled since the topology was read: the write could not have succeeded with them.
            if width - full < layout.writeQuorum { throw DataError(.full, message + ", \(full) disks full") }
            throw DataError(.unavailable, message)
        }
        return written < width
    }

    /// Writes a stripe's shards in parallel and returns how many are durable, and how many their disks refused as
    /// full. Every shard is attempted, suspect hosts included (a host that is back must not cost redundancy);
    /// ``ShardWriteQuorum`` decides when to stop.
    func writeShards(_ shards: [ByteBuffer], index: Int, layout: DataLayout, topology: Topology) async -> (
        durable: Int, full: Int
    ) {
        let started = ContinuousClock.now
        var quorum = ShardWriteQuorum(
            width: layout.diskIds.count, quorum: layout.writeQuorum, writeGrace: options.writeGrace)
        guard quorum.initialAction == .wait else { return (0, 0) }
        return await withTaskGroup(of: ShardWriteOutcome?.self) { group in
            for (shard, disk) in layout.diskIds.enumerated() {
                let bytes = shards[shard]
                group.addTask {
                    await writeShardOutcome(
                        bytes, disk: disk, stripe: index, shard: shard, layout: layout, topology: topology)
                }
            }
            var action = ShardWriteQuorum.Action.wait
            var full = 0
            while action != .stop, let outcome = await group.next() {
                if let outcome {
                    if outcome == .full { full += 1 }
                    action = quorum.writeEnded(durable: outcome == .durable, elapsed: ContinuousClock.now - started)
                } else {
                    action = quorum.graceEnded()
                }
                if case .startGrace(let grace) = action {
                    group.addTask {
                        try? await Task.sleep(for: grace)
                        return nil
                    }
                }
            }
            group.cancelAll()
            return (quorum.durable, full)
        }
    }

    /// How one shard write ended.
    enum ShardWriteOutcome: Sendable, Equatable {
        case durable
        /// Its disk refused it: no room (``StorageError/Code/full``).
        case full
        case failed
    }

    /// Writes one shard; false if it could not be made durable (the host becomes suspect if it did not answer).
    func writeShard(_ bytes: ByteBuffer, disk: String, stripe: Int, shard: Int, layout: DataLayout, topology: Topology)
        async -> Bool
    {
        await writeShardOutcome(bytes, disk: disk, stripe: stripe, shard: shard, layout: layout, topology: topology)
            == .durable
    }

    func writeShardOutcome(
        _ bytes: ByteBuffer, disk: String, stripe: Int, shard: Int, layout: DataLayout, topology: Topology
    ) async -> ShardWriteOutcome {
        guard let host = topology.host(ofDisk: disk) else {
            logger.warning("shard write failed: disk \(disk) has no host", metadata: ["ksan.data": "\(layout.dataId)"])
            return .failed
        }
        let started = ContinuousClock.now
        do {
            let address = try ShardAddress(dataId: layout.dataId, stripe: stripe, shard: shard)
            try await shards.write(endpoint: host.endpoint, disk: disk, address: address, data: bytes)
            health.markAnswered(host.endpoint)
            return .durable
        } catch {
            // A write cancelled early (the upload failed, or its stripe could not reach the quorum anyway) says
            // nothing about its host; one abandoned after the write grace does.
            let cancelled = Task.isCancelled
            if Self.hostDidNotAnswer(error), !cancelled || ContinuousClock.now - started >= options.writeGrace {
                health.markFailed(host.endpoint)
            }
            if cancelled {
                logger.info(
                    "shard write cancelled",
                    metadata: ["ksan.data": "\(layout.dataId)", "ksan.disk": "\(disk)", "error": "\(error)"])
            } else {
                logger.warning(
                    "shard write failed",
                    metadata: ["ksan.data": "\(layout.dataId)", "ksan.disk": "\(disk)", "error": "\(error)"])
            }
            return (error as? StorageError)?.code == .full ? .full : .failed
        }
    }

    /// Whether an OSD request failed because the host did not answer (no connection, timeout, cancelled while
    /// waiting), as opposed to an answer such as not-found or corrupt.
    static func hostDidNotAnswer(_ error: any Error) -> Bool {
        guard let error = error as? StorageError else { return true }
        return error.code == .unavailable
    }
}
