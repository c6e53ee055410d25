import Foundation
import KSANErasure
import KSANMetadata
import KSANStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import KSANData

/// The data plane over a shard transport in memory (``FakeShards``): quorum writes, hedged and reconstructing reads,
/// repair and the clean-up of failed writes, with hosts that are down, hung or return corrupt shards.
@Suite("the data plane over a fake shard transport")
struct DataPlaneTests {
    let shards = FakeShards()
    let catalog = MemoryCatalog()
    /// The topology the data plane sees; tests change the settings of its disks.
    let topology: NIOLockedValueBox<Topology>
    let data: DataPlane

    static let endpoints = (0..<6).map { "http://h\($0)" }

    init() {
        let topology = Topology(
            hosts: (0..<6).map { Topology.Host(id: "h\($0)", endpoint: Self.endpoints[$0], disks: ["d\($0)"]) },
            pools: [Topology.Pool(id: "p", k: 4, m: 2, disks: (0..<6).map { "d\($0)" }, default: true)])
        var options = DataPlane.Options()
        options.blockSize = 16 * 1024
        options.inlineThreshold = 1024
        options.hedgeDelay = .milliseconds(100)
        options.writeGrace = .milliseconds(100)
        let current = NIOLockedValueBox(topology)
        self.topology = current
        data = DataPlane(
            catalog: catalog, shards: shards, topology: TopologyCache(maxAge: 0) { current.withLockedValue { $0 } },
            options: options,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// `count` bytes that differ from stripe to stripe.
    static func body(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) } }

    func write(_ bytes: [UInt8]) async throws -> DataLayout {
        let stream = AsyncStream<ByteBuffer> { continuation in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 10_000, bytes.count)
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
        let written = try await data.write(
            body: stream, length: Int64(bytes.count), maxLength: Int64(bytes.count), poolId: "p", sha256: false)
        return try #require(written.segment.layout)
    }

    func read(_ layout: DataLayout) async throws -> [UInt8] {
        let topology = try await data.topology.current()
        var out: [UInt8] = []
        for stripe in 0..<layout.geometry.stripeCount {
            let bytes = try await data.readStripe(layout, index: stripe, topology: topology)
            out += Array(bytes.readableBytesView)
        }
        return out
    }

    /// Waits until `condition` holds (background work), for up to 30 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<3000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("a healthy write stores every shard of every stripe and reads back byte for byte")
    func healthy() async throws {
        let bytes = Self.body(200_000)
        let layout = try await write(bytes)
        let stripes = layout.geometry.stripeCount
        #expect(stripes == 4)  // 64 KiB stripes
        #expect(shards.count(dataId: layout.dataId) == stripes * 6)
        #expect(try await read(layout) == bytes)
        #expect(catalog.queuedRepairs.isEmpty)
        #expect(catalog.openIntents.contains(layout.dataId))  // the commit drops it, not the data plane
    }

    @Test("one host down: the write has its quorum, is queued for repair, and reads reconstruct")
    func oneHostDown() async throws {
        shards.set(Self.endpoints[2], .down)
        let bytes = Self.body(100_000)
        let layout = try await write(bytes)
        #expect(try await eventually { catalog.queuedRepairs == [layout.dataId] })
        #expect(try await read(layout) == bytes)
    }

    @Test("two hosts down in 4+2: the write fails as unavailable and the shards it wrote are deleted")
    func belowQuorum() async throws {
        shards.set(Self.endpoints[0], .down)
        shards.set(Self.endpoints[5], .down)
        await #expect {
            _ = try await write(Self.body(100_000))
        } throws: { ($0 as? DataError)?.code == .unavailable }
        // The shards on the hosts that answer are deleted; the intent stays, because two disks could not be reached:
        // garbage collection finishes the job once they can.
        let dataId = try #require(catalog.openIntents.first)
        #expect(try await eventually { shards.count(dataId: dataId) == 0 })
        #expect(catalog.openIntents == [dataId])
    }

    @Test("a hung host costs the write grace, not the write")
    func hungHostOnWrite() async throws {
        shards.set(Self.endpoints[4], .hung)
        let started = ContinuousClock.now
        let layout = try await write(Self.body(70_000))
        #expect(ContinuousClock.now - started < .seconds(60))  // not the hung host's hour, even on a loaded machine
        #expect(try await eventually { catalog.queuedRepairs == [layout.dataId] })
        #expect(data.health.isSuspect(Self.endpoints[4]))
    }

    @Test("a hung host on read: the hedge fetches parity after the delay, and the host becomes suspect")
    func hedgedRead() async throws {
        let bytes = Self.body(70_000)
        let layout = try await write(bytes)
        let slow = try #require(layout.diskIds.first.map { Self.endpoints[Int($0.dropFirst())!] })
        shards.set(slow, .hung)
        let started = ContinuousClock.now
        #expect(try await read(layout) == bytes)
        #expect(ContinuousClock.now - started < .seconds(60))  // not the hung host's hour, even on a loaded machine
        #expect(data.health.isSuspect(slow))
        // The next stripe reads go around it from the start: no more requests to it.
        let asked = shards.reads(slow)
        #expect(try await read(layout) == bytes)
        #expect(shards.reads(slow) == asked)
    }

    @Test("a corrupt and a lost shard: the read reconstructs, queues repair once, and repair rewrites both")
    func corruptionAndRepair() async throws {
        let bytes = Self.body(70_000)
        let layout = try await write(bytes)
        let lost = try ShardAddress(dataId: layout.dataId, stripe: 1, shard: 0)
        shards.lose(disk: layout.diskIds[0], address: lost)
        let before = shards.count(dataId: layout.dataId)
        #expect(try await read(layout) == bytes)
        #expect(try await eventually { catalog.queuedRepairs == [layout.dataId] })
        let outcome = await data.repair(layout)
        #expect(outcome.repaired)
        // Every intact shard of every stripe read, and the lost one written: six shards' worth of each stripe.
        let geometry = layout.geometry
        #expect(
            outcome.bytes == (0..<geometry.stripeCount).reduce(0) { $0 + Int64(6 * geometry.shardLength(ofStripe: $1)) }
        )
        #expect(shards.count(dataId: layout.dataId) == before + 1)
        // With one host answering corrupt for everything, reads still return the right bytes.
        shards.set(Self.endpoints[Int(layout.diskIds[1].dropFirst())!], .corruptReads)
        #expect(try await read(layout) == bytes)
    }

    @Test("a body shorter than its length is IncompleteBody, and nothing it wrote stays")
    func shortBody() async throws {
        let stream = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: Self.body(50_000)))
            continuation.finish()
        }
        await #expect {
            _ = try await data.write(body: stream, length: 60_000, maxLength: 60_000, poolId: "p", sha256: false)
        } throws: { ($0 as? DataError)?.code == .incompleteBody }
        #expect(try await eventually { catalog.openIntents.isEmpty })
    }

    @Test("a commit metadata refused deletes its data; one whose outcome is unknown keeps it for garbage collection")
    func commitOutcomes() async throws {
        let refused = try await write(Self.body(30_000))
        await #expect(throws: MetadataError.self) {
            try await data.committing([ObjectSegment(size: 30_000, layout: refused)], reason: "test") {
                throw MetadataError(.preconditionFailed)
            }
        }
        #expect(try await eventually { shards.count(dataId: refused.dataId) == 0 })
        #expect(try await eventually { !catalog.openIntents.contains(refused.dataId) })

        let unknown = try await write(Self.body(30_000))
        await #expect(throws: MetadataError.self) {
            try await data.committing([ObjectSegment(size: 30_000, layout: unknown)], reason: "test") {
                throw MetadataError(.unavailable)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(shards.count(dataId: unknown.dataId) == unknown.geometry.stripeCount * 6)
        #expect(catalog.openIntents.contains(unknown.dataId))
        #expect(try await data.committing([], reason: "test") { 42 } == 42)
    }

    @Test("a disk marked Bad is read last: parity is fetched instead, and the bytes are right")
    func badDiskIsReadAround() async throws {
        let bytes = Self.body(70_000)
        let layout = try await write(bytes)
        let bad = layout.diskIds[0]
        let endpoint = Self.endpoints[Int(bad.dropFirst())!]
        topology.withLockedValue { $0.diskSettings = [bad: DiskSettings(state: .bad)] }
        #expect(try await read(layout) == bytes)
        #expect(shards.reads(endpoint) == 0)
        #expect(catalog.queuedRepairs.isEmpty)
    }

    @Test("a host marked Offline is read last: parity is fetched instead, and the bytes are right")
    func offlineHostIsReadAround() async throws {
        let bytes = Self.body(70_000)
        let layout = try await write(bytes)
        let disk = layout.diskIds[1]
        let endpoint = Self.endpoints[Int(disk.dropFirst())!]
        topology.withLockedValue { topology in
            let index = topology.hosts.firstIndex { $0.disks.contains(disk) }!
            topology.hosts[index].state = .offline
        }
        #expect(try await read(layout) == bytes)
        #expect(shards.reads(endpoint) == 0)
        #expect(catalog.queuedRepairs.isEmpty)
    }
}
