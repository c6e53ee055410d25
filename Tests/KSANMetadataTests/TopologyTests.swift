import Foundation
import Testing

@testable import KSANMetadata

@Suite("Topology", .enabled(if: TestEnvironment.postgresEnabled))
struct TopologyTests {
    @Test func loadedTopologyReadsBack() async throws {
        try await TestDatabase.withStore { store in
            let topology = try await store.topology()
            #expect(topology == TestFixtures.topology)
            #expect(topology.defaultPool?.id == "default")
        }
    }

    @Test func reloadingReplacesPoolsAndUpsertsHosts() async throws {
        try await TestDatabase.withStore { store in
            var next = TestFixtures.topology
            next.hosts[0].endpoint = "http://127.0.0.1:9999"
            next.pools.removeLast()
            try await store.loadTopology(next)
            let topology = try await store.topology()
            #expect(topology.pools.map(\.id) == ["default"])
            #expect(topology.hosts.first?.endpoint == "http://127.0.0.1:9999")
            #expect(topology.hosts.count == 3)
        }
    }

    /// Racks and failure domains are kept: from a file (a load) and from the portal's changes; a move that would
    /// leave a rack pool unsafe changes nothing.
    @Test func racksAndFailureDomainsAreKept() async throws {
        try await TestDatabase.withStore { store in
            var next = TestFixtures.topology
            for index in next.hosts.indices { next.hosts[index].rack = "rack\(index + 1)" }
            next.pools.append(
                Topology.Pool(
                    id: "racked", k: 2, m: 1, disks: next.hosts.map { $0.disks[1] }, failureDomain: .rack))
            try await store.loadTopology(next)
            #expect(try await store.topology() == next)

            // Two hosts in one rack: 2+1 over 2 racks puts 2 shards in one, more than m.
            let unsafe = await TestFixtures.errorCode { try await store.setServerRack(id: "osd2", rack: "rack1") }
            #expect(unsafe == .invalidTopology)
            #expect(
                await TestFixtures.errorCode { try await store.setServerRack(id: "osd2", rack: nil) }
                    == .invalidTopology)
            #expect(await TestFixtures.errorCode { try await store.setServerRack(id: "nope", rack: "r") } == .notFound)
            #expect(
                await TestFixtures.errorCode { try await store.setServerRack(id: "osd2", rack: "a/b") }
                    == .invalidArgument)
            #expect(try await store.topology() == next)
            try await store.setServerRack(id: "osd2", rack: "rack9")
            try await store.addServer(id: "osd4", endpoint: "http://127.0.0.1:9104", rack: "rack4")
            let topology = try await store.topology()
            #expect(topology.hosts.map(\.rack) == ["rack1", "rack9", "rack3", "rack4"])
            #expect(topology.pools.map(\.domain) == [.host, .host, .rack])
            // A pool created through the portal keeps its domain.
            try await store.createPool(
                Topology.Pool(id: "r2", replicas: 3, disks: next.hosts.map { $0.disks[0] }, failureDomain: .rack))
            #expect(try await store.topology().pools.last?.failureDomain == .rack)
        }
    }

    /// A topology file seeds a new cluster only: a restart with it must not undo what the portal changed since.
    @Test func aFileSeedsOnlyAClusterWithoutATopology() async throws {
        try await TestDatabase.withStore(topology: nil) { store in
            #expect(try await store.seedTopology(TestFixtures.topology))
            #expect(try await store.topology() == TestFixtures.topology)
            try await store.setDefaultPool(id: "rep3")
            try await store.addServer(id: "osd4", endpoint: "http://127.0.0.1:9104")
            let changed = try await store.topology()
            #expect(try await store.seedTopology(TestFixtures.topology) == false)
            #expect(try await store.topology() == changed)
            #expect(changed.defaultPool?.id == "rep3" && changed.hosts.count == 4)
        }
    }

    @Test func invalidTopologiesAreRefused() async throws {
        try await TestDatabase.withStore { store in
            var tooWide = TestFixtures.topology
            tooWide.pools = [.init(id: "wide", k: 8, m: 2, disks: tooWide.hosts.flatMap(\.disks))]
            #expect(await TestFixtures.errorCode { try await store.loadTopology(tooWide) } == .invalidTopology)

            var unknownDisk = TestFixtures.topology
            unknownDisk.pools[1].disks.append("nowhere")
            #expect(await TestFixtures.errorCode { try await store.loadTopology(unknownDisk) } == .invalidTopology)

            var twoDefaults = TestFixtures.topology
            twoDefaults.pools[1].default = true
            #expect(await TestFixtures.errorCode { try await store.loadTopology(twoDefaults) } == .invalidTopology)

            // Nothing was changed by the refused loads.
            let unchanged = try await store.topology()
            #expect(unchanged == TestFixtures.topology)
        }
    }

    @Test func aPoolInUseCannotBeDropped() async throws {
        try await TestDatabase.withStore { store in
            var bucket = TestFixtures.bucket("uses-rep3")
            bucket.poolId = "rep3"
            try await store.createBucket(bucket)
            var next = TestFixtures.topology
            next.pools.removeLast()
            #expect(await TestFixtures.errorCode { try await store.loadTopology(next) } == .invalidTopology)
        }
    }

    @Test func topologyFileInTheDocumentedFormat() throws {
        let json = """
            {"hosts":[{"id":"osd1","endpoint":"http://127.0.0.1:9101","disks":["osd1-d1","osd1-d2"]},
                      {"id":"osd2","endpoint":"http://127.0.0.1:9102","disks":["osd2-d1","osd2-d2"]},
                      {"id":"osd3","endpoint":"http://127.0.0.1:9103","disks":["osd3-d1","osd3-d2"]}],
             "pools":[{"id":"default","k":4,"m":2,"disks":["osd1-d1","osd1-d2","osd2-d1","osd2-d2","osd3-d1","osd3-d2"],
                       "default":true},
                      {"id":"rep3","replicas":3,"disks":["osd1-d1","osd2-d1","osd3-d1"]}]}
            """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("topology-\(UUID()).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Topology.load(contentsOf: path) == TestFixtures.topology)
        #expect(throws: MetadataError.self) { try Topology.load(contentsOf: path + ".missing") }

        // Racks and a pool whose failure domain is the rack, as docs/operations.md shows them.
        let racked = json.replacingOccurrences(
            of: #""endpoint":"http://127.0.0.1:9101","#, with: #""endpoint":"http://127.0.0.1:9101","rack":"a","#
        )
        .replacingOccurrences(
            of: #""endpoint":"http://127.0.0.1:9102","#, with: #""endpoint":"http://127.0.0.1:9102","rack":"b","#
        )
        .replacingOccurrences(
            of: #""endpoint":"http://127.0.0.1:9103","#, with: #""endpoint":"http://127.0.0.1:9103","rack":"c","#
        )
        .replacingOccurrences(
            of: #"{"id":"rep3","replicas":3,"#, with: #"{"id":"rep3","replicas":3,"failureDomain":"rack","#)
        try Data(racked.utf8).write(to: URL(fileURLWithPath: path))
        let loaded = try Topology.load(contentsOf: path)
        #expect(loaded.hosts.map(\.rack) == ["a", "b", "c"] && loaded.pools.map(\.domain) == [.host, .rack])
    }
}

/// Host states in the database: the heartbeats' judgement and an operator's hold.
@Suite("Host state", .enabled(if: TestEnvironment.postgresEnabled))
struct HostStateTests {
    @Test("Offline from the heartbeats, then Online; an operator's Offline holds until the operator sets Online")
    func statesAndHolds() async throws {
        try await TestDatabase.withStore { store in
            let host = TestFixtures.topology.hosts[0].id
            #expect(try await store.applyHostStates([host: .offline]) == [host: .offline])
            var seen = try await store.topology().hosts[0]
            #expect(seen.isOffline && seen.stateSince != nil && seen.stateHeld == nil)
            // Already Offline: nothing changes, no event.
            #expect(try await store.applyHostStates([host: .offline]).isEmpty)
            #expect(try await store.applyHostStates([host: .online]) == [host: .online])
            #expect(try await store.topology() == TestFixtures.topology)

            try await store.setServerState(id: host, state: .offline)
            seen = try await store.topology().hosts[0]
            #expect(seen.isOffline && seen.stateHeld == true)
            // The heartbeats cannot bring a held host back.
            #expect(try await store.applyHostStates([host: .online]).isEmpty)
            #expect(try await store.topology().hosts[0].isOffline)
            try await store.setServerState(id: host, state: .online)
            #expect(try await store.topology() == TestFixtures.topology)
            await #expect(throws: MetadataError.self) { try await store.setServerState(id: "nope", state: .offline) }
        }
    }
}
