import Crypto
import Foundation
import KSANCore
import KSANErasure
import KSANMetadata
import KSANStorage
import Logging
import NIOCore

/// Moves object bytes between clients and OSDs: streaming erasure-coded writes with a quorum, and reads that
/// reconstruct from parity when shards are missing or corrupt.
///
/// Write quorum: a stripe is acknowledged once at least `k + 1` of its `k + m` shards (for a replicated pool of `n`
/// copies: 2, or 1 when `n == 1`) are fsynced on their OSDs; fewer fails the PUT and its shards are deleted.
public struct DataPlane: Sendable {
    /// Tunables.
    public struct Options: Sendable {
        /// Bytes per shard block of a full stripe.
        public var blockSize: Int = 1024 * 1024
        /// Bodies up to this size are stored inline in metadata.
        public var inlineThreshold: Int = 64 * 1024
        /// Stripes being encoded or written at once per request.
        public var stripesInFlight: Int = 3

        /// Default options.
        public init() {}
    }

    let metadata: any MetadataStore
    let osd: OSDClient
    let topology: TopologyCache
    let options: Options
    let logger: Logger

    /// Creates a data plane.
    public init(metadata: any MetadataStore, osd: OSDClient, topology: TopologyCache, options: Options, logger: Logger)
    {
        self.metadata = metadata
        self.osd = osd
        self.topology = topology
        self.options = options
        self.logger = logger
    }

    // MARK: Write

    /// Streams exactly `length` bytes of `body` into the pool, computing MD5 (and SHA-256 if asked) on the way.
    /// On any failure, including a short body or a client that goes away, the shards written so far are deleted
    /// (or left to garbage collection through their write intent) and the error is rethrown.
    public func write<Body: AsyncSequence>(
        body: Body, length: Int64, poolId: String, sha256: Bool, checksum algorithm: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData where Body.Element == ByteBuffer {
        var md5 = Insecure.MD5()
        var sha = sha256 ? SHA256() : nil
        var checksum = algorithm.map(ChecksumHasher.init)
        if length <= Int64(options.inlineThreshold) {
            var collected = ByteBuffer()
            for try await chunk in body {
                guard collected.readableBytes + chunk.readableBytes <= length else { throw S3Error(.incompleteBody) }
                chunk.withUnsafeReadableBytes {
                    md5.update(bufferPointer: $0)
                    sha?.update(bufferPointer: $0)
                    checksum?.update($0)
                }
                collected.writeImmutableBuffer(chunk)
            }
            guard collected.readableBytes == length else { throw S3Error(.incompleteBody) }
            let inline = Data(buffer: collected)
            return WrittenData(
                segment: ObjectSegment(size: length, inline: length == 0 ? nil : inline), md5: Array(md5.finalize()),
                sha256: sha.map { Array($0.finalize()) }, checksum: checksum?.finalize(),
                checksumAlgorithm: algorithm)
        }

        let topology = try await self.topology.current()
        guard let pool = topology.pools.first(where: { $0.id == poolId }) ?? topology.defaultPool else {
            throw S3Error(.internalError, "No storage pool is configured.")
        }
        let dataId = Identifier.hex(bytes: 16)
        let disks = try PoolPlacement.place(dataId: dataId, pool: pool, topology: topology)
        let layout = DataLayout(
            dataId: dataId, poolId: pool.id, dataShards: pool.dataShards, parityShards: pool.parityShards,
            replicated: pool.isReplicated, blockSize: options.blockSize, diskIds: disks, size: length)
        let coder =
            layout.replicated ? nil : try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
        try await metadata.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
        let geometry = layout.geometry
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var inFlight = 0
                var index = 0
                var stripe = allocateStripe(geometry, index)
                var received: Int64 = 0
                for try await var chunk in body {
                    received += Int64(chunk.readableBytes)
                    guard received <= length else { throw S3Error(.incompleteBody) }
                    chunk.withUnsafeReadableBytes {
                        md5.update(bufferPointer: $0)
                        sha?.update(bufferPointer: $0)
                        checksum?.update($0)
                    }
                    while chunk.readableBytes > 0 {
                        let want = geometry.dataLength(ofStripe: index) - stripe.readableBytes
                        stripe.writeImmutableBuffer(chunk.readSlice(length: min(want, chunk.readableBytes))!)
                        guard stripe.readableBytes == geometry.dataLength(ofStripe: index) else { continue }
                        if inFlight >= options.stripesInFlight {
                            try await group.next()
                            inFlight -= 1
                        }
                        let full = stripe
                        let stripeIndex = index
                        group.addTask {
                            try await storeStripe(
                                full, index: stripeIndex, layout: layout, coder: coder, topology: topology)
                        }
                        inFlight += 1
                        index += 1
                        stripe = index < geometry.stripeCount ? allocateStripe(geometry, index) : ByteBuffer()
                    }
                }
                guard received == length else { throw S3Error(.incompleteBody) }
                try await group.waitForAll()
            }
        } catch {
            discard(layout, reason: "write failed: \(error)")
            throw error
        }
        return WrittenData(
            segment: ObjectSegment(size: length, layout: layout), md5: Array(md5.finalize()),
            sha256: sha.map { Array($0.finalize()) }, checksum: checksum?.finalize(),
            checksumAlgorithm: algorithm)
    }

    func allocateStripe(_ geometry: StripeGeometry, _ index: Int) -> ByteBuffer {
        let width = geometry.dataShards + geometry.parityShards
        let capacity =
            geometry.replicated ? geometry.dataLength(ofStripe: index) : width * geometry.shardLength(ofStripe: index)
        return ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Encodes one stripe and writes its shards in parallel; succeeds once the write quorum is durable.
    func storeStripe(_ data: ByteBuffer, index: Int, layout: DataLayout, coder: ErasureCoder?, topology: Topology)
        async throws
    {
        let geometry = layout.geometry
        let width = layout.dataShards + layout.parityShards
        let shardLength = geometry.shardLength(ofStripe: index)
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
        let written = await withTaskGroup(of: Bool.self) { group in
            for (shard, disk) in layout.diskIds.enumerated() {
                let bytes = shards[shard]
                group.addTask {
                    do {
                        guard let host = topology.host(ofDisk: disk) else {
                            throw StorageError(.noSuchDisk, "disk \(disk) has no host")
                        }
                        let address = try ShardAddress(dataId: layout.dataId, stripe: index, shard: shard)
                        try await osd.write(endpoint: host.endpoint, disk: disk, address: address, data: bytes)
                        return true
                    } catch {
                        logger.warning(
                            "shard write failed",
                            metadata: ["ksan.data": "\(layout.dataId)", "ksan.disk": "\(disk)", "error": "\(error)"])
                        return false
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        guard written >= layout.writeQuorum else {
            throw StorageError(.unavailable, "only \(written) of \(width) shards written, quorum \(layout.writeQuorum)")
        }
    }

    // MARK: Read

    /// Reads the data bytes of one stripe: the `k` data shards when healthy, reconstructing from parity when up to
    /// `m` shards are missing, unreachable or corrupt.
    public func readStripe(_ layout: DataLayout, index: Int, topology: Topology) async throws -> ByteBuffer {
        let geometry = layout.geometry
        let width = layout.dataShards + layout.parityShards
        let shardLength = geometry.shardLength(ofStripe: index)
        let dataLength = geometry.dataLength(ofStripe: index)
        if layout.replicated {
            for shard in 0..<width {
                if let copy = await fetchShard(
                    layout, stripe: index, shard: shard, length: shardLength, topology: topology)
                {
                    return copy
                }
            }
            throw StorageError(.unavailable, "no copy of \(layout.dataId) stripe \(index) is readable")
        }
        var shards = [ByteBuffer?](repeating: nil, count: width)
        await fetchShards(
            layout, stripe: index, shards: 0..<layout.dataShards, length: shardLength, topology: topology, into: &shards
        )
        if shards[0..<layout.dataShards].contains(where: { $0 == nil }) {
            await fetchShards(
                layout, stripe: index, shards: layout.dataShards..<width, length: shardLength, topology: topology,
                into: &shards)
            let lost = (0..<width).filter { shards[$0] == nil }
            guard lost.count <= layout.parityShards else {
                throw StorageError(
                    .unavailable, "\(lost.count) of \(width) shards of \(layout.dataId) stripe \(index) are unreadable")
            }
            let coder = try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
            var buffer = ByteBufferAllocator().buffer(capacity: width * shardLength)
            for shard in 0..<width {
                if let bytes = shards[shard] {
                    buffer.writeImmutableBuffer(bytes)
                } else {
                    buffer.writeRepeatingByte(0, count: shardLength)
                }
            }
            try buffer.withUnsafeMutableReadableBytes { raw in
                try coder.reconstruct(
                    shards: (0..<width).map { raw.baseAddress! + $0 * shardLength }, length: shardLength, lost: lost)
            }
            return buffer.getSlice(at: buffer.readerIndex, length: dataLength)!
        }
        var out = ByteBufferAllocator().buffer(capacity: layout.dataShards * shardLength)
        for shard in 0..<layout.dataShards { out.writeImmutableBuffer(shards[shard]!) }
        return out.getSlice(at: out.readerIndex, length: dataLength)!
    }

    func fetchShards(
        _ layout: DataLayout, stripe: Int, shards range: Range<Int>, length: Int, topology: Topology,
        into shards: inout [ByteBuffer?]
    ) async {
        await withTaskGroup(of: (Int, ByteBuffer?).self) { group in
            for shard in range {
                group.addTask {
                    (shard, await fetchShard(layout, stripe: stripe, shard: shard, length: length, topology: topology))
                }
            }
            for await (shard, bytes) in group { shards[shard] = bytes }
        }
    }

    func fetchShard(_ layout: DataLayout, stripe: Int, shard: Int, length: Int, topology: Topology) async -> ByteBuffer?
    {
        let disk = layout.diskIds[shard]
        do {
            guard let host = topology.host(ofDisk: disk) else {
                throw StorageError(.noSuchDisk, "disk \(disk) has no host")
            }
            let address = try ShardAddress(dataId: layout.dataId, stripe: stripe, shard: shard)
            return try await osd.read(endpoint: host.endpoint, disk: disk, address: address, expectedLength: length)
        } catch {
            logger.warning(
                "shard read failed, reconstructing",
                metadata: [
                    "ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)", "ksan.disk": "\(disk)",
                    "error": "\(error)",
                ])
            return nil
        }
    }

    // MARK: Delete

    /// Deletes every shard of a layout; true if every disk confirmed.
    public func delete(_ layout: DataLayout) async -> Bool {
        guard let topology = try? await self.topology.current() else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            for disk in Set(layout.diskIds) {
                group.addTask {
                    guard let host = topology.host(ofDisk: disk) else { return false }
                    do {
                        try await osd.delete(endpoint: host.endpoint, disk: disk, dataId: layout.dataId)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.allSatisfy { $0 }
        }
    }

    /// Deletes the shards of a failed write in the background, then drops its intent; if any disk cannot be reached
    /// the intent stays, and garbage collection finishes the job later.
    func discard(_ layout: DataLayout, reason: String) {
        logger.info("discarding unfinished data", metadata: ["ksan.data": "\(layout.dataId)", "reason": "\(reason)"])
        let metadata = self.metadata
        Task.detached {
            if await delete(layout) { try? await metadata.dropIntent(dataId: layout.dataId) }
        }
    }
}

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
