import Foundation
import Testing

@testable import KSANMetadata

/// How a pool that grew is evened out, without I/O.
@Suite("Shard balance")
struct ShardBalanceTests {
    /// 4+2 data placed on the first two disks of each of 3 hosts (a pool before its third disks were added).
    static func layouts(_ count: Int, size: (Int) -> Int64 = { _ in 4_000_000 }) -> [DataLayout] {
        (0..<count).map { i in
            DataLayout(
                dataId: String(format: "data%04d", i), poolId: "p", dataShards: 4, parityShards: 2, replicated: false,
                blockSize: 1 << 20, diskIds: (1...3).flatMap { h in ["osd\(h)-d1", "osd\(h)-d2"] }.shuffled(),
                size: size(i))
        }
    }

    static func loads(_ layouts: [DataLayout]) -> [String: Int64] {
        var loads: [String: Int64] = [:]
        for layout in layouts {
            for disk in layout.diskIds { loads[disk, default: 0] += ShardBalance.shardBytes(layout) }
        }
        return loads
    }

    /// What the rebalance worker does: walks the sources in order until one moves something, then starts again
    /// from the new loads, until it is balanced or no source can move anything.
    static func rebalance(_ layouts: inout [DataLayout], topology: Topology) -> Int {
        var moves = 0
        for _ in 0..<1000 {
            var balance = ShardBalance(pool: topology.pools[0], loads: loads(layouts), topology: topology)
            guard !balance.isBalanced else { return moves }
            var moved = false
            for source in balance.sources where !moved {
                for index in layouts.indices where layouts[index].diskIds.contains(source) {
                    guard let move = balance.move(for: layouts[index], from: source, topology: topology) else {
                        continue
                    }
                    balance.apply(move, of: layouts[index])
                    #expect(move.from == source && layouts[index].diskIds[move.index] == source)
                    layouts[index].diskIds[move.index] = move.to
                    moves += 1
                    moved = true
                }
            }
            if !moved { return moves }
        }
        Issue.record("the rebalance does not end")
        return moves
    }

    @Test("added disks are filled until every disk is within 10 % of the mean; each stripe keeps its rules")
    func addedDisksAreFilled() {
        let topology = PoolPlacementTests.topology(hosts: 3, disksPerHost: 3)
        var layouts = Self.layouts(120)
        let before = ShardBalance(pool: topology.pools[0], loads: Self.loads(layouts), topology: topology)
        #expect(!before.isBalanced)
        #expect(before.sources.count == 6 && before.sources.allSatisfy { !$0.hasSuffix("-d3") })
        // 720 shards of 1 MB over 9 disks: 80 each, so 40 move off each of the 6 disks that hold 120.
        #expect(before.bytesToMove == 6 * 40 * 1_000_000)
        let moves = Self.rebalance(&layouts, topology: topology)
        let after = ShardBalance(pool: topology.pools[0], loads: Self.loads(layouts), topology: topology)
        #expect(after.isBalanced, "\(after.loads)")
        #expect(moves == 240, "\(moves) moves: no more than the new disks' share")
        for layout in layouts {
            #expect(Set(layout.diskIds).count == 6, "a disk holds two shards of one stripe")
            for host in topology.hosts { #expect(layout.diskIds.filter { host.disks.contains($0) }.count <= 2) }
        }
        // Balanced: nothing more moves.
        #expect(Self.rebalance(&layouts, topology: topology) == 0)
    }

    @Test("shards of very different sizes still converge, never moving back and forth")
    func unevenSizesConverge() {
        let topology = PoolPlacementTests.topology(hosts: 3, disksPerHost: 3)
        var layouts = Self.layouts(60) { i in Int64(1 + (i * 7919) % 97) * 1_000_000 }
        let spread = { (loads: [String: Int64]) in loads.values.max()! - (loads.values.min() ?? 0) }
        let full = topology.hosts.flatMap(\.disks).reduce(into: [String: Int64]()) { $0[$1] = 0 }
        let before = spread(full.merging(Self.loads(layouts)) { $1 })
        _ = Self.rebalance(&layouts, topology: topology)
        let after = spread(full.merging(Self.loads(layouts)) { $1 })
        #expect(after < before / 3, "spread \(before) -> \(after)")
    }

    @Test("disks that take no new shards are neither counted nor targets; a balanced pool moves nothing")
    func onlyWritableDisksCount() {
        var topology = PoolPlacementTests.topology(hosts: 3, disksPerHost: 3)
        topology.diskSettings = ["osd1-d3": DiskSettings(mode: .readOnly), "osd2-d3": DiskSettings(state: .bad)]
        var layouts = Self.layouts(30)
        let balance = ShardBalance(pool: topology.pools[0], loads: Self.loads(layouts), topology: topology)
        #expect(Set(balance.loads.keys) == Set(topology.pools[0].disks).subtracting(["osd1-d3", "osd2-d3"]))
        _ = Self.rebalance(&layouts, topology: topology)
        #expect(layouts.allSatisfy { !$0.diskIds.contains("osd1-d3") && !$0.diskIds.contains("osd2-d3") })
        #expect(layouts.contains { $0.diskIds.contains("osd3-d3") })

        let even = PoolPlacementTests.topology(hosts: 3, disksPerHost: 2)
        let settled = ShardBalance(pool: even.pools[0], loads: Self.loads(Self.layouts(30)), topology: even)
        #expect(settled.isBalanced && settled.bytesToMove == 0)
    }
}
