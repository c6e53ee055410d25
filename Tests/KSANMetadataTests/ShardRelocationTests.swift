import Foundation
import Testing

@testable import KSANMetadata

/// Where shards go when their disk must be emptied, without I/O.
@Suite("Shard relocation")
struct ShardRelocationTests {
    /// 4+2 over `hosts` hosts of `disks` disks each.
    static func topology(hosts: Int, disks: Int) -> Topology {
        PoolPlacementTests.topology(hosts: hosts, disksPerHost: disks)
    }

    static func layout(_ disks: [String]) -> DataLayout {
        DataLayout(
            dataId: "data1", poolId: "p", dataShards: 4, parityShards: 2, replicated: false, blockSize: 4096,
            diskIds: disks, size: 100)
    }

    @Test("a Bad disk's shard goes to a healthy disk of the emptiest domain, never a disk the data uses")
    func toTheEmptiestDomain() throws {
        var topology = Self.topology(hosts: 4, disks: 3)
        let placed = try PoolPlacement.place(dataId: "data1", pool: topology.pools[0], topology: topology)
        let bad = placed[0]
        topology.diskSettings = [bad: DiskSettings(state: .bad)]
        let emptying = ShardRelocation.disksToEmpty(in: topology, now: Date(), offlineFor: 600)
        #expect(emptying == [bad])
        let moves = ShardRelocation.moves(for: Self.layout(placed), emptying: emptying, topology: topology)
        #expect(moves.count == 1 && moves[0].index == 0 && moves[0].from == bad)
        let target = moves[0].to
        #expect(!placed.contains(target) && target != bad)
        var after = placed
        after[0] = target
        for host in topology.hosts { #expect(after.filter { host.disks.contains($0) }.count <= 2) }
        // The same choice every time (another worker, a restart).
        #expect(ShardRelocation.moves(for: Self.layout(placed), emptying: emptying, topology: topology) == moves)
    }

    @Test("a host Offline for long enough is emptied; one Offline for less is not; no target, no move")
    func offlineHostsAndNoTarget() throws {
        var topology = Self.topology(hosts: 6, disks: 2)
        let now = Date()
        topology.hosts[0].state = .offline
        topology.hosts[0].stateSince = now.addingTimeInterval(-60)
        #expect(ShardRelocation.disksToEmpty(in: topology, now: now, offlineFor: 600).isEmpty)
        topology.hosts[0].stateSince = now.addingTimeInterval(-601)
        let emptying = ShardRelocation.disksToEmpty(in: topology, now: now, offlineFor: 600)
        #expect(emptying == ["osd1-d1", "osd1-d2"])
        for i in 0..<50 {
            let placed = try PoolPlacement.place(
                dataId: "d\(i)", pool: topology.pools[0], topology: Self.topology(hosts: 6, disks: 2))
            let moves = ShardRelocation.moves(for: Self.layout(placed), emptying: emptying, topology: topology)
            #expect(moves.count == placed.filter { emptying.contains($0) }.count)
            var after = placed
            for move in moves { after[move.index] = move.to }
            #expect(Set(after).count == 6 && Set(after).isDisjoint(with: emptying))
            for host in topology.hosts { #expect(after.filter { host.disks.contains($0) }.count <= 2) }
        }
        // 4+2 over 3 hosts of 2 disks: every disk is in use, so a Bad one's shard has nowhere to go.
        var small = Self.topology(hosts: 3, disks: 2)
        small.diskSettings = ["osd1-d1": DiskSettings(state: .bad)]
        let all = small.pools[0].disks
        #expect(ShardRelocation.moves(for: Self.layout(all), emptying: ["osd1-d1"], topology: small).isEmpty)
    }
}
