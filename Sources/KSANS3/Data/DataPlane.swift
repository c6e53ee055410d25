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
        /// A stripe read that has not got all its shards after this long asks for every other shard too, and uses
        /// whichever k arrive first.
        public var hedgeDelay: Duration = .seconds(1)
        /// Once a stripe's write quorum is durable, how long the remaining shard writes may still take (at least;
        /// twice the time the quorum took if that is longer) before they are abandoned and their hosts become
        /// suspect.
        public var writeGrace: Duration = .seconds(1)
        /// How often a write in progress marks its intent alive, so that garbage collection never takes a long
        /// upload for an abandoned one (the gateway keeps it well under its intent age).
        public var intentRefresh: Duration = .seconds(600)

        /// Default options.
        public init() {}
    }

    let metadata: any MetadataStore
    let osd: OSDClient
    let topology: TopologyCache
    let options: Options
    let logger: Logger
    /// Hosts that lately failed to answer.
    let health: HostHealth

    /// Creates a data plane.
    public init(
        metadata: any MetadataStore, osd: OSDClient, topology: TopologyCache, options: Options, logger: Logger,
        health: HostHealth = HostHealth()
    ) {
        self.metadata = metadata
        self.osd = osd
        self.topology = topology
        self.options = options
        self.logger = logger
        self.health = health
    }

    // MARK: Write

    /// Streams `body` into the pool, computing MD5 (and SHA-256 and an additional checksum if asked) on the way.
    /// With a known `length` the body must have exactly that many bytes (else IncompleteBody); with `nil` (a POST
    /// form's file) it may have up to `maxLength` (else EntityTooLarge). Bodies that end within the inline
    /// threshold are kept inline. On any failure, including a short body or a client that goes away, the shards
    /// written so far are deleted (or left to garbage collection through their write intent) and the error is
    /// rethrown.
    public func write<Body: AsyncSequence>(
        body: Body, length: Int64?, maxLength: Int64 = S3Limits.maxObjectSize, poolId: String, sha256: Bool,
        checksum algorithm: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData where Body.Element == ByteBuffer {
        var hashes = BodyHashes(sha256: sha256, checksum: algorithm)
        let limit = length ?? maxLength
        var received: Int64 = 0
        var iterator = body.makeAsyncIterator()
        func next() async throws -> ByteBuffer? {
            guard let chunk = try await iterator.next() else { return nil }
            received += Int64(chunk.readableBytes)
            guard received <= limit else { throw S3Error(length == nil ? .entityTooLarge : .incompleteBody) }
            hashes.update(chunk)
            return chunk
        }
        func checkLength() throws {
            if let length, received != length { throw S3Error(.incompleteBody) }
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
            throw S3Error(.internalError, "No storage pool is configured.")
        }
        let dataId = Identifier.hex(bytes: 16)
        let disks = try PoolPlacement.place(dataId: dataId, pool: pool, topology: topology)
        var layout = DataLayout(
            dataId: dataId, poolId: pool.id, dataShards: pool.dataShards, parityShards: pool.parityShards,
            replicated: pool.isReplicated, blockSize: options.blockSize, diskIds: disks, size: length ?? 0)
        let coder =
            layout.replicated ? nil : try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
        try await metadata.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
        let stripeSize = layout.geometry.stripeSize
        let stripeLayout = layout
        var intentTouched = ContinuousClock.now
        /// Marks the intent alive every `intentRefresh`; a write whose intent was collected fails.
        func keepIntentAlive() async throws {
            guard ContinuousClock.now - intentTouched >= options.intentRefresh else { return }
            guard try await metadata.touchIntent(dataId: dataId) else {
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
        let written = await writeShards(shards, index: index, layout: layout, topology: topology)
        guard written >= layout.writeQuorum else {
            throw StorageError(.unavailable, "only \(written) of \(width) shards written, quorum \(layout.writeQuorum)")
        }
        return written < width
    }

    /// Writes a stripe's shards in parallel and returns how many are durable. Every shard is attempted, suspect
    /// hosts included (a host that is back must not cost redundancy). Once the quorum is durable the remaining
    /// writes get `writeGrace`, or twice the time the quorum took if longer (a loaded but healthy host finishes),
    /// and are abandoned after it. Stops early when the quorum can no longer be reached.
    func writeShards(_ shards: [ByteBuffer], index: Int, layout: DataLayout, topology: Topology) async -> Int {
        let started = ContinuousClock.now
        return await withTaskGroup(of: Bool?.self) { group in
            var running = 0
            for (shard, disk) in layout.diskIds.enumerated() {
                let bytes = shards[shard]
                running += 1
                group.addTask {
                    await writeShard(bytes, disk: disk, stripe: index, shard: shard, layout: layout, topology: topology)
                }
            }
            var durable = 0
            var graceStarted = false
            while running > 0, let outcome = await group.next() {
                guard let outcome else { break }  // the grace period is over
                running -= 1
                if outcome { durable += 1 }
                if durable + running < layout.writeQuorum { break }
                if durable >= layout.writeQuorum, running > 0, !graceStarted {
                    graceStarted = true
                    let grace = max(options.writeGrace, (ContinuousClock.now - started) * 2)
                    group.addTask {
                        try? await Task.sleep(for: grace)
                        return nil
                    }
                }
            }
            group.cancelAll()
            return durable
        }
    }

    /// Writes one shard; false if it could not be made durable (the host becomes suspect if it did not answer).
    func writeShard(_ bytes: ByteBuffer, disk: String, stripe: Int, shard: Int, layout: DataLayout, topology: Topology)
        async -> Bool
    {
        guard let host = topology.host(ofDisk: disk) else {
            logger.warning("shard write failed: disk \(disk) has no host", metadata: ["ksan.data": "\(layout.dataId)"])
            return false
        }
        let started = ContinuousClock.now
        do {
            let address = try ShardAddress(dataId: layout.dataId, stripe: stripe, shard: shard)
            try await osd.write(endpoint: host.endpoint, disk: disk, address: address, data: bytes)
            health.markAnswered(host.endpoint)
            return true
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
            return false
        }
    }

    /// Whether an OSD request failed because the host did not answer (no connection, timeout, cancelled while
    /// waiting), as opposed to an answer such as not-found or corrupt.
    static func hostDidNotAnswer(_ error: any Error) -> Bool {
        guard let error = error as? StorageError else { return true }
        return error.code == .unavailable
    }

    // MARK: Read

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
                throw StorageError(.unavailable, "no copy of \(layout.dataId) stripe \(index) is readable")
            }
            return copy
        }
        let lost = (0..<width).filter { shards[$0] == nil }
        guard lost.count <= layout.parityShards else {
            throw StorageError(
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

    /// The whole stripe, data then parity shards, `length` bytes each, with the nil (lost) shards reconstructed by
    /// ISA-L from the others; at most `m` may be nil.
    func reconstruct(_ shards: [ByteBuffer?], layout: DataLayout, length: Int) throws -> ByteBuffer {
        let width = shards.count
        let lost = (0..<width).filter { shards[$0] == nil }
        let coder = try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
        var buffer = ByteBufferAllocator().buffer(capacity: width * length)
        for shard in 0..<width {
            if let bytes = shards[shard] {
                buffer.writeImmutableBuffer(bytes)
            } else {
                buffer.writeRepeatingByte(0, count: length)
            }
        }
        try buffer.withUnsafeMutableReadableBytes { raw in
            try coder.reconstruct(
                shards: (0..<width).map { raw.baseAddress! + $0 * length }, length: length, lost: lost)
        }
        return buffer
    }

    /// Fetches shards of one stripe until enough have arrived to return its data: `k` (one copy for a replicated
    /// pool). Data shards come first, but a shard on a suspect host is replaced by a parity shard from the start,
    /// and a shard that fails is replaced at once. If the stripe is not complete after `hedgeDelay`, every other
    /// shard is asked for too, and the first `k` win; requests still running then are cancelled, and a host that
    /// kept one waiting past `hedgeDelay` becomes suspect.
    /// - Returns: the shards by index (nil for those not fetched or not readable), and whether an OSD answered
    ///   that a shard is missing or corrupt (the data needs repair).
    func gatherShards(_ layout: DataLayout, stripe: Int, length: Int, topology: Topology) async
        -> (shards: [ByteBuffer?], damaged: Bool)
    {
        let width = layout.dataShards + layout.parityShards
        let needed = layout.replicated ? 1 : layout.dataShards
        let suspect = (0..<width).map { shard in
            topology.host(ofDisk: layout.diskIds[shard]).map { health.isSuspect($0.endpoint) } ?? true
        }
        let candidates = (0..<width).filter { !suspect[$0] } + (0..<width).filter { suspect[$0] }
        var shards = [ByteBuffer?](repeating: nil, count: width)
        var damaged = false
        await withTaskGroup(of: (Int, ShardFetch)?.self) { group in
            var next = 0
            var running = 0
            var received = 0
            func launch() {
                let shard = candidates[next]
                next += 1
                running += 1
                group.addTask {
                    (shard, await fetchShard(layout, stripe: stripe, shard: shard, length: length, topology: topology))
                }
            }
            while running < needed, next < candidates.count { launch() }
            let hedge = options.hedgeDelay
            group.addTask {
                try? await Task.sleep(for: hedge)
                return nil
            }
            while received < needed, running > 0 || next < candidates.count, let outcome = await group.next() {
                guard let (shard, fetched) = outcome else {
                    while next < candidates.count { launch() }  // hedge: ask every other shard too
                    continue
                }
                running -= 1
                switch fetched {
                case .data(let data):
                    shards[shard] = data
                    received += 1
                    continue
                case .damaged: damaged = true
                case .unanswered: break
                }
                if next < candidates.count { launch() }
            }
            group.cancelAll()
        }
        return (shards, damaged)
    }

    /// What fetching one shard gave.
    enum ShardFetch: Sendable {
        /// The shard's bytes, checksums verified.
        case data(ByteBuffer)
        /// The OSD answered that the shard is missing or corrupt.
        case damaged
        /// No usable answer: unreachable host, timeout, cancelled.
        case unanswered
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
            let bytes = try await osd.read(
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

    // MARK: Repair

    /// Queues `layout` for repair in the background (the read or write that found the damage does not wait), trying
    /// again with backoff while metadata cannot be reached. Every report is sent: metadata keeps one entry per data
    /// id. If metadata stays unreachable for all attempts the report is logged as lost; the OSDs' scrub, which
    /// checks every shard metadata expects on its disks, finds the damage again.
    func queueRepair(_ layout: DataLayout, reason: String) {
        let metadata = self.metadata
        let logger = self.logger
        Task.detached {
            var delay = Duration.milliseconds(200)
            for attempt in 1...6 {
                do {
                    try await metadata.queueRepair(layout)
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
    /// - Returns: true if every shard of every stripe is now in place; false if a host did not answer, a stripe
    ///   has fewer than k intact shards, or a write failed (the repair stays queued).
    public func repair(_ layout: DataLayout) async -> Bool {
        do {
            try layout.validate()
        } catch {
            logger.error(
                "repair skipped: invalid layout", metadata: ["ksan.data": "\(layout.dataId)", "error": "\(error)"])
            return false
        }
        guard let topology = try? await self.topology.current() else { return false }
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
                    case .data(let bytes): shards[shard] = bytes
                    case .damaged: break
                    case .unanswered: complete = false
                    }
                }
            }
            let missing = (0..<width).filter { shards[$0] == nil }
            guard complete else { return false }  // cannot tell what is missing on a host that does not answer
            guard !missing.isEmpty else { continue }
            guard width - missing.count >= (layout.replicated ? 1 : layout.dataShards) else {
                logger.error(
                    "stripe cannot be repaired: too few intact shards",
                    metadata: [
                        "ksan.data": "\(layout.dataId)", "ksan.stripe": "\(stripe)", "ksan.missing": "\(missing)",
                    ])
                return false
            }
            if layout.replicated {
                let copy = shards.compactMap { $0 }.first!
                for shard in missing { shards[shard] = copy }
            } else {
                do {
                    let buffer = try reconstruct(shards, layout: layout, length: length)
                    for shard in missing {
                        shards[shard] = buffer.getSlice(at: buffer.readerIndex + shard * length, length: length)
                    }
                } catch {
                    logger.error("repair failed", metadata: ["ksan.data": "\(layout.dataId)", "error": "\(error)"])
                    return false
                }
            }
            for shard in missing {
                let written = await writeShard(
                    shards[shard]!, disk: layout.diskIds[shard], stripe: stripe, shard: shard, layout: layout,
                    topology: topology)
                guard written else { return false }
                rewritten += 1
            }
        }
        logger.info("repaired", metadata: ["ksan.data": "\(layout.dataId)", "ksan.shards": "\(rewritten)"])
        return true
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
