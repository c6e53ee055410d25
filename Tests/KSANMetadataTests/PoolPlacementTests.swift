import KSANMetadata
import Testing

@Suite("Pool placement")
struct PoolPlacementTests {
    static func topology(hosts: Int, disksPerHost: Int, k: Int? = 4, m: Int? = 2, replicas: Int? = nil) -> Topology {
        let hostList = (1...hosts).map { h in
            Topology.Host(
                id: "osd\(h)", endpoint: "http://127.0.0.1:\(9100 + h)",
                disks: (1...disksPerHost).map { "osd\(h)-d\($0)" })
        }
        let pool = Topology.Pool(
            id: "p", k: replicas == nil ? k : nil, m: replicas == nil ? m : nil, replicas: replicas,
            disks: hostList.flatMap(\.disks), default: true)
        return Topology(hosts: hostList, pools: [pool])
    }

    @Test(
        "every stripe loses at most m shards with any one host",
        arguments: [(4, 2, 3, 2), (2, 1, 3, 2), (8, 4, 3, 4), (4, 2, 6, 1)])
    func spread(k: Int, m: Int, hosts: Int, disks: Int) throws {
        let topology = Self.topology(hosts: hosts, disksPerHost: disks, k: k, m: m)
        let pool = topology.pools[0]
        try PoolPlacement.validate(pool: pool, topology: topology)
        var perDisk: [String: Int] = [:]
        for i in 0..<2000 {
            let disks = try PoolPlacement.place(dataId: "data\(i)", pool: pool, topology: topology)
            #expect(disks.count == k + m)
            #expect(Set(disks).count == k + m, "a disk holds two shards of one stripe")
            for host in topology.hosts {
                #expect(disks.filter { host.disks.contains($0) }.count <= m)
            }
            for d in disks { perDisk[d, default: 0] += 1 }
        }
        // Roughly even use of every disk (within 35% of the mean).
        let mean = Double(2000 * (k + m)) / Double(perDisk.count)
        #expect(perDisk.count == hosts * disks)
        for (_, count) in perDisk { #expect(abs(Double(count) - mean) < mean * 0.35) }
    }

    @Test("placement is deterministic")
    func deterministic() throws {
        let topology = Self.topology(hosts: 3, disksPerHost: 2)
        let a = try PoolPlacement.place(dataId: "x", pool: topology.pools[0], topology: topology)
        let b = try PoolPlacement.place(dataId: "x", pool: topology.pools[0], topology: topology)
        #expect(a == b)
    }

    @Test("a pool that would lose data with one host is refused")
    func refused() {
        // 4+2 on 2 hosts puts 3 shards on a host: more than m.
        let two = Self.topology(hosts: 2, disksPerHost: 3)
        #expect(throws: MetadataError.self) { try PoolPlacement.validate(pool: two.pools[0], topology: two) }
        // 4+2 on 3 hosts with one disk each cannot spread 2 shards per host on distinct disks.
        let thin = Self.topology(hosts: 3, disksPerHost: 1)
        #expect(throws: MetadataError.self) { try PoolPlacement.validate(pool: thin.pools[0], topology: thin) }
        // Replication of 2 copies on one host is refused; 3 copies on 3 hosts is fine.
        let single = Self.topology(hosts: 1, disksPerHost: 2, replicas: 2)
        #expect(throws: MetadataError.self) { try PoolPlacement.validate(pool: single.pools[0], topology: single) }
        let rep = Self.topology(hosts: 3, disksPerHost: 1, replicas: 3)
        #expect(throws: Never.self) { try PoolPlacement.validate(pool: rep.pools[0], topology: rep) }
    }

    @Test("an Offline host gets no new shards while the others can place a stripe safely; else it stays a candidate")
    func offlineHostsAreLeftOut() throws {
        var topology = Self.topology(hosts: 6, disksPerHost: 2)
        let pool = topology.pools[0]
        topology.hosts[2].state = .offline
        for i in 0..<300 {
            let disks = try PoolPlacement.place(dataId: "data\(i)", pool: pool, topology: topology)
            #expect(!disks.contains("osd3-d1") && !disks.contains("osd3-d2"))
            #expect(Set(disks).count == 6)
            for host in topology.hosts { #expect(disks.filter { host.disks.contains($0) }.count <= 2) }
        }
        // 4+2 over 3 hosts of 2 disks: without one host, no safe placement is left, so the Offline host's disks are
        // still chosen (the write stores what it can with its quorum and queues the rest for repair).
        var small = Self.topology(hosts: 3, disksPerHost: 2)
        small.hosts[0].state = .offline
        let disks = try PoolPlacement.place(dataId: "d", pool: small.pools[0], topology: small)
        #expect(Set(disks) == Set(small.pools[0].disks))
        // Back Online: placed exactly as before.
        topology.hosts[2].state = nil
        let back = try PoolPlacement.place(dataId: "data7", pool: pool, topology: topology)
        let fresh = Self.topology(hosts: 6, disksPerHost: 2)
        #expect(back == (try PoolPlacement.place(dataId: "data7", pool: pool, topology: fresh)))
    }
}
