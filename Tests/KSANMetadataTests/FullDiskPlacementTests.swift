import Foundation
import KSANMetadata
import Testing

@Suite("Full disks")
struct FullDiskPlacementTests {
    static func marking(_ topology: Topology, full disks: [String], bad: [String] = []) -> Topology {
        var topology = topology
        var settings: [String: DiskSettings] = [:]
        for disk in disks { settings[disk] = DiskSettings(full: true) }
        for disk in bad { settings[disk] = DiskSettings(state: .bad) }
        topology.diskSettings = settings
        return topology
    }

    static func layout(_ disks: [String]) -> DataLayout {
        DataLayout(
            dataId: "d", poolId: "p", dataShards: 4, parityShards: 2, replicated: false, blockSize: 1 << 20,
            diskIds: disks, size: 4_000_000)
    }

    @Test("a full disk gets no new shards while the pool can place a stripe without it")
    func fullDiskSkipped() throws {
        let topology = Self.marking(
            PoolPlacementTests.topology(hosts: 6, disksPerHost: 2), full: ["osd3-d1"])
        let pool = topology.pools[0]
        for i in 0..<500 {
            let disks = try PoolPlacement.place(dataId: "data\(i)", pool: pool, topology: topology)
            #expect(!disks.contains("osd3-d1"))
            #expect(Set(disks.map { $0.split(separator: "-")[0] }).count == 6, "one shard per host")
        }
    }

    @Test("too many full disks: InsufficientCapacity; too many Bad ones: unavailable")
    func poolFull() throws {
        let base = PoolPlacementTests.topology(hosts: 6, disksPerHost: 1)
        let full = Self.marking(base, full: ["osd1-d1"])
        #expect(throws: MetadataError(.insufficientCapacity, "")) {
            do {
                _ = try PoolPlacement.place(dataId: "x", pool: full.pools[0], topology: full)
            } catch let error as MetadataError {
                throw MetadataError(error.code, "")
            }
        }
        let bad = Self.marking(base, full: [], bad: ["osd1-d1"])
        #expect(throws: MetadataError(.unavailable, "")) {
            do {
                _ = try PoolPlacement.place(dataId: "x", pool: bad.pools[0], topology: bad)
            } catch let error as MetadataError {
                throw MetadataError(error.code, "")
            }
        }
    }

    @Test("a full disk is a rebalance source, never a target; its settings decode from a topology without the field")
    func balanceAndCoding() throws {
        let topology = Self.marking(PoolPlacementTests.topology(hosts: 6, disksPerHost: 2), full: ["osd1-d2"])
        let pool = topology.pools[0]
        var loads: [String: Int64] = [:]
        for disk in pool.disks { loads[disk] = 1_000_000 }
        loads["osd1-d2"] = 4_000_000
        loads["osd1-d1"] = 0
        let balance = ShardBalance(pool: pool, loads: loads, topology: topology)
        #expect(balance.full == ["osd1-d2"])
        #expect(balance.sources.first == "osd1-d2")
        let layout = Self.layout(["osd1-d2", "osd2-d1", "osd3-d1", "osd4-d1", "osd5-d1", "osd6-d1"])
        let move = try #require(balance.move(for: layout, from: "osd1-d2", topology: topology))
        #expect(move.to == "osd1-d1")
        // A full disk below the mean is not a target.
        loads["osd1-d2"] = 0
        loads["osd1-d1"] = 4_000_000
        let reversed = ShardBalance(pool: pool, loads: loads, topology: topology)
        let other = Self.layout(["osd1-d1", "osd2-d1", "osd3-d1", "osd4-d1", "osd5-d1", "osd6-d1"])
        let elsewhere = try #require(reversed.move(for: other, from: "osd1-d1", topology: topology))
        #expect(elsewhere.to != "osd1-d2", "the empty disk is full")

        let old = try JSONDecoder().decode(DiskSettings.self, from: Data(#"{"state":"Weak","mode":"ReadWrite"}"#.utf8))
        #expect(old == DiskSettings(state: .weak))
        #expect(!DiskSettings(full: true).acceptsNewShards)
        let encoded = String(decoding: try JSONEncoder().encode(DiskSettings()), as: UTF8.self)
        #expect(!encoded.contains("full"))
        #expect(try JSONDecoder().decode(DiskSettings.self, from: JSONEncoder().encode(DiskSettings(full: true))).full)
    }
}
