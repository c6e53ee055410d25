import Testing

@testable import KSANMetadata

/// Pools whose failure domain is the rack: each stripe loses at most m shards with any one rack, and pools whose
/// domain is the host place as they did before racks existed.
@Suite("Rack placement")
struct RackPlacementTests {
    /// `racks` racks of `hostsPerRack` hosts with `disksPerHost` disks each, and one pool over every disk.
    static func topology(
        racks: Int, hostsPerRack: Int, disksPerHost: Int, k: Int = 4, m: Int = 2, domain: FailureDomain = .rack
    ) -> Topology {
        var hosts: [Topology.Host] = []
        for r in 1...racks {
            for h in 1...hostsPerRack {
                let id = "r\(r)h\(h)"
                hosts.append(
                    Topology.Host(
                        id: id, endpoint: "http://10.0.\(r).\(h):9101",
                        disks: (1...disksPerHost).map { "\(id)-d\($0)" },
                        rack: "rack\(r)"))
            }
        }
        let pool = Topology.Pool(
            id: "p", k: k, m: m, disks: hosts.flatMap(\.disks), default: true,
            failureDomain: domain == .host ? nil : domain)
        return Topology(hosts: hosts, pools: [pool])
    }

    @Test(
        "every stripe loses at most m shards with any one rack, and a rack's shards go to its hosts in turn",
        arguments: [(4, 2, 3, 2, 2), (2, 1, 3, 3, 1), (8, 4, 3, 2, 3), (4, 2, 6, 1, 1)])
    func spread(k: Int, m: Int, racks: Int, hostsPerRack: Int, disksPerHost: Int) throws {
        let topology = Self.topology(racks: racks, hostsPerRack: hostsPerRack, disksPerHost: disksPerHost, k: k, m: m)
        let pool = topology.pools[0]
        try PoolPlacement.validate(pool: pool, topology: topology)
        let perRackMax = (k + m + racks - 1) / racks
        let perHostMax = (perRackMax + hostsPerRack - 1) / hostsPerRack
        var perDisk: [String: Int] = [:]
        for i in 0..<2000 {
            let disks = try PoolPlacement.place(dataId: "data\(i)", pool: pool, topology: topology)
            #expect(disks.count == k + m)
            #expect(Set(disks).count == k + m, "a disk holds two shards of one stripe")
            for r in 1...racks {
                let inRack = disks.filter { topology.host(ofDisk: $0)?.rack == "rack\(r)" }.count
                #expect(inRack <= m && inRack <= perRackMax)
            }
            for host in topology.hosts {
                #expect(disks.filter { host.disks.contains($0) }.count <= perHostMax)
            }
            for d in disks { perDisk[d, default: 0] += 1 }
        }
        // Roughly even use of every disk (within 35% of the mean).
        let mean = Double(2000 * (k + m)) / Double(perDisk.count)
        #expect(perDisk.count == racks * hostsPerRack * disksPerHost)
        for (_, count) in perDisk { #expect(abs(Double(count) - mean) < mean * 0.35) }
    }

    @Test("a pool that would lose data with one rack down, or has a host in no rack, is refused; by host it is not")
    func refused() throws {
        // 4+2 over 6 hosts in 2 racks: 3 shards per rack, more than m. By host, 1 per host is fine.
        let two = Self.topology(racks: 2, hostsPerRack: 3, disksPerHost: 1)
        let error = #expect(throws: MetadataError.self) {
            try PoolPlacement.validate(pool: two.pools[0], topology: two)
        }
        #expect(error?.message.contains("over 2 rack(s) puts up to 3 shards of a stripe on one rack") == true)
        var byHost = two
        byHost.pools[0].failureDomain = nil
        #expect(throws: Never.self) { try PoolPlacement.validate(pool: byHost.pools[0], topology: byHost) }

        // A host of the pool without a rack.
        var unracked = Self.topology(racks: 3, hostsPerRack: 2, disksPerHost: 1)
        unracked.hosts[3].rack = nil
        let missing = #expect(throws: MetadataError.self) {
            try PoolPlacement.validate(pool: unracked.pools[0], topology: unracked)
        }
        #expect(missing?.message.contains("host r2h2 of disk r2h2-d1 is in no rack") == true)

        // 4+2 over 3 racks needs 2 distinct disks in every rack: a rack of one host with one disk cannot.
        var thin = Self.topology(racks: 3, hostsPerRack: 2, disksPerHost: 1)
        thin.pools[0].disks.removeAll { $0 == "r3h2-d1" }
        thin.pools[0].disks.append("r1h1-d1")  // listed twice: refused as such
        #expect(throws: MetadataError.self) { try PoolPlacement.validate(pool: thin.pools[0], topology: thin) }
        thin.pools[0].disks.removeLast()
        thin.pools[0].k = 3
        thin.pools[0].m = 2  // 5 over 3 racks: 2 per rack, and rack3 has 1 disk
        let short = #expect(throws: MetadataError.self) {
            try PoolPlacement.validate(pool: thin.pools[0], topology: thin)
        }
        #expect(short?.message.contains("rack rack3 has 1 disk(s) in the pool but must hold 2 shards") == true)

        // A whole topology checks rack ids like any id.
        var badRack = Self.topology(racks: 3, hostsPerRack: 1, disksPerHost: 2)
        badRack.hosts[0].rack = "rack one"
        #expect(throws: MetadataError.self) { try PostgresMetadataStore.validate(topology: badRack) }
    }

    @Test("a pool whose domain is the host places exactly as before racks existed")
    func hostPlacementUnchanged() throws {
        let topology = Self.topology(racks: 2, hostsPerRack: 3, disksPerHost: 2, domain: .host)
        let pool = topology.pools[0]
        for i in 0..<500 {
            let dataId = "data\(i)"
            #expect(
                try PoolPlacement.place(dataId: dataId, pool: pool, topology: topology) == Self.before(dataId, topology)
            )
        }
    }

    /// The placement of the releases before racks: hosts ranked by weight, shards dealt round-robin over them, each
    /// host's disks ranked by weight.
    static func before(_ dataId: String, _ topology: Topology) -> [String] {
        let pool = topology.pools[0]
        var byHost: [(String, [String])] = []
        for disk in pool.disks {
            let host = topology.host(ofDisk: disk)!.id
            if let i = byHost.firstIndex(where: { $0.0 == host }) {
                byHost[i].1.append(disk)
            } else {
                byHost.append((host, [disk]))
            }
        }
        let hosts = byHost.sorted { PoolPlacement.weight(dataId, $0.0) > PoolPlacement.weight(dataId, $1.0) }
        var disks = hosts.map {
            $0.1.sorted { PoolPlacement.weight(dataId, $0) > PoolPlacement.weight(dataId, $1) }[...]
        }
        var result: [String] = []
        var index = 0
        while result.count < pool.dataShards + pool.parityShards {
            if let disk = disks[index % hosts.count].popFirst() { result.append(disk) }
            index += 1
        }
        return result
    }
}
