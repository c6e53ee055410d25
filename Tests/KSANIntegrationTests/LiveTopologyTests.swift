import Foundation
import KSANPortal
import KSANS3
import NIOCore
import Testing

/// The topology changed through `ksanctl` while the cluster serves: new disks and a new pool are used by the
/// gateway within seconds, a ReadOnly disk receives no new shard and still serves reads, and changes that could lose
/// data are refused with a clear message.
@Suite("Live topology through ksanctl", .serialized)
struct LiveTopologyTests {
    @Test("disks and a pool added while serving take new objects; a ReadOnly disk gets no new shard")
    func liveTopology() async throws {
        try await TestCluster.with(extraDisks: 1) { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
            #expect(try await cluster.s3("PUT", "/before").status == 200)
            let old = ClusterTests.random(3 << 20)
            #expect(try await cluster.s3("PUT", "/before/old.bin", body: old).status == 200)

            // Three new disks, one per server, and a pool over all nine.
            for h in 1...3 {
                let added = try ctl(["disk", "add", "osd\(h)-d3", "--server", "osd\(h)"])
                #expect(added.status == 0, "\(added.error)")
                #expect(added.output.contains("Good") && added.output.contains("ReadWrite"))
            }
            let all = (1...3).flatMap { h in (1...3).map { "osd\(h)-d\($0)" } }
            // Refused, with the reason: one server would hold more shards of a stripe than the pool can lose.
            let twoHosts = try ctl([
                "pool", "create", "narrow", "--ec", "4+2", "--disks",
                all.filter { !$0.hasPrefix("osd3") }.joined(separator: ","),
            ])
            #expect(
                twoHosts.status == 1 && twoHosts.error.contains("losing that host would lose data"), "\(twoHosts.error)"
            )
            #expect(
                try ctl([
                    "pool", "create", "both", "--ec", "4+2", "--replicas", "3", "--disks", all.joined(separator: ","),
                ]).status == 1)
            let rack = try ctl([
                "pool", "create", "r", "--ec", "4+2", "--failure-domain", "rack", "--disks", all.joined(separator: ","),
            ])
            #expect(rack.status == 1 && rack.error.contains("is in no rack"), "\(rack.error)")
            #expect(try ctl(["pool", "create", "ghost", "--replicas", "2", "--disks", "osd1-d1,nope"]).status == 1)
            #expect(try ctl(["pool", "list"]).output.contains("narrow") == false)

            let created = try ctl(["pool", "create", "wide", "--ec", "4+2", "--disks", all.joined(separator: ",")])
            #expect(created.status == 0, "\(created.error)")
            #expect(try ctl(["pool", "set-default", "wide"]).status == 0)
            #expect(try ctl(["pool", "get", "wide"]).output.contains("default  yes"))

            // Within the gateway's refresh (10 s), new buckets use the new pool and its new disks.
            try await PortalTests.eventually("a new bucket lands in the new pool") {
                let name = "after-\(UUID().uuidString.prefix(6).lowercased())"
                guard try await cluster.s3("PUT", "/\(name)").status == 200 else { return false }
                return try ctl(["bucket", "info", name]).output.contains("pool     wide")
            }
            #expect(try await cluster.s3("PUT", "/fresh").status == 200)
            #expect(try ctl(["bucket", "info", "fresh"]).output.contains("pool     wide"))
            for index in 0..<6 {
                #expect(
                    try await cluster.s3("PUT", "/fresh/o\(index)", body: ClusterTests.random(1 << 20)).status == 200)
            }
            let newDisks = (1...3).map { cluster.osds[$0 - 1].disks[2] }
            #expect(newDisks.reduce(0) { $0 + cluster.shardFiles(onDisk: $1).count } > 0)

            // ReadOnly: no new shard reaches the disk; what it holds is still read.
            let readOnly = cluster.osds[0].disks[0]
            #expect(try ctl(["disk", "set-mode", "osd1-d1", "ReadOnly"]).output.contains("ReadOnly"))
            try await Task.sleep(for: .seconds(11))
            let before = Set(cluster.shardFiles(onDisk: readOnly))
            for index in 0..<8 {
                #expect(
                    try await cluster.s3("PUT", "/fresh/ro\(index)", body: ClusterTests.random(1 << 20)).status == 200)
            }
            #expect(Set(cluster.shardFiles(onDisk: readOnly)).isSubset(of: before))
            let read = try await cluster.s3("GET", "/before/old.bin")
            #expect(read.status == 200 && read.body == old)
            #expect(try ctl(["disk", "list"]).output.contains("ReadOnly"))
            let bogus = try ctl(["disk", "set-mode", "osd1-d1", "Sideways"])
            #expect(bogus.status == 1 && bogus.error.contains("ReadWrite, ReadOnly, Maintenance"))
            #expect(try ctl(["disk", "set-state", "osd1-d1", "Good"]).status == 0)
            #expect(try ctl(["disk", "set-mode", "osd1-d1", "ReadWrite"]).status == 0)

            // Removals that would lose data or strand a bucket are refused, and change nothing.
            let inPool = try ctl(["disk", "remove", "osd1-d3"])
            #expect(inPool.status == 1 && inPool.error.contains("pool"))
            let used = try ctl(["pool", "remove", "default"])
            #expect(used.status == 1 && used.error.contains("used by"))
            let isDefault = try ctl(["pool", "remove", "wide"])
            #expect(isDefault.status == 1 && isDefault.error.contains("default"))
            let hasDisks = try ctl(["server", "remove", "osd1"])
            #expect(hasDisks.status == 1 && hasDisks.error.contains("disks"))
            #expect(try ctl(["disk", "list"]).output.contains("osd1-d3"))

            // A server and a disk nothing uses come and go.
            #expect(try ctl(["server", "add", "osd9", "--endpoint", "http://127.0.0.1:9"]).status == 0)
            #expect(try ctl(["server", "add", "osd9", "--endpoint", "http://127.0.0.1:9"]).status == 1)
            #expect(try ctl(["server", "add", "bad", "--endpoint", "ftp://x"]).status == 1)
            #expect(try ctl(["disk", "add", "osd9-d1", "--server", "osd9"]).status == 0)
            #expect(try ctl(["disk", "add", "osd9-d2", "--server", "nope"]).status == 1)
            #expect(try ctl(["disk", "remove", "osd9-d1"]).status == 0)
            #expect(try ctl(["server", "remove", "osd9"]).status == 0)
            #expect(try ctl(["server", "get", "osd9"]).status == 1)
            // Every object is still whole.
            for index in 0..<8 { #expect(try await cluster.s3("GET", "/fresh/ro\(index)").status == 200) }

            try await racks(cluster, ctl, disks: all)
        }
    }

    /// Racks: osd1 and osd2 in r1, osd3 in r2, and a 2+2 pool whose failure domain is the rack puts two shards of
    /// every stripe in each rack (one on each of r1's hosts); a move that would leave the pool unsafe is refused.
    func racks(
        _ cluster: TestCluster, _ ctl: ([String]) throws -> PortalTests.Run, disks all: [String]
    ) async throws {
        #expect(try ctl(["server", "set-rack", "osd1", "r1"]).output.contains("r1"))
        #expect(try ctl(["server", "set-rack", "osd2", "r1"]).status == 0)
        // A 2+2 pool over racks r1 and r2: refused while osd3 is in no rack.
        let unracked = try ctl([
            "pool", "create", "racked", "--ec", "2+2", "--failure-domain", "rack", "--disks",
            all.joined(separator: ","),
        ])
        #expect(unracked.status == 1 && unracked.error.contains("host osd3 of disk osd3-d1 is in no rack"))
        #expect(try ctl(["server", "set-rack", "osd3", "r2"]).status == 0)
        // 4+2 over two racks puts 3 shards on one: refused, naming the rack.
        let narrow = try ctl([
            "pool", "create", "narrow", "--ec", "4+2", "--failure-domain", "rack", "--disks",
            all.joined(separator: ","),
        ])
        #expect(narrow.status == 1 && narrow.error.contains("losing that rack would lose data"), "\(narrow.error)")
        let created = try ctl([
            "pool", "create", "racked", "--ec", "2+2", "--failure-domain", "rack", "--disks",
            all.joined(separator: ","),
        ])
        #expect(created.status == 0 && created.output.contains("rack"), "\(created.error)")
        let listed = try ctl(["server", "list"])
        #expect(listed.output.contains("RACK") && listed.output.contains("r2"))
        let json = try PortalTests.json(try ctl(["pool", "get", "racked", "--json"])) as? [String: Any]
        #expect(json?["failureDomain"] as? String == "rack")

        // Moves that would leave the pool unable to survive a rack are refused and change nothing.
        let together = try ctl(["server", "set-rack", "osd3", "r1"])
        #expect(
            together.status == 1 && together.error.contains("losing that rack would lose data"), "\(together.error)")
        let none = try ctl(["server", "set-rack", "osd1", "--none"])
        #expect(none.status == 1 && none.error.contains("in no rack"))
        #expect(try ctl(["server", "set-rack", "osd1", "bad rack"]).status == 1)
        #expect(try ctl(["server", "set-rack", "osd1"]).status != 0)  // neither a rack nor --none
        #expect(try ctl(["server", "set-rack", "nope", "r1"]).status == 1)
        #expect(try ctl(["server", "get", "osd3"]).output.contains("r2"))

        // New buckets in the rack pool: each stripe's 4 shards are 2 in r1 (osd1, osd2) and 2 in r2 (osd3).
        let hostDisks = cluster.osds.map(\.disks)
        let files = { hostDisks.map { $0.reduce(0) { $0 + cluster.shardFiles(onDisk: $1).count } } }
        #expect(try ctl(["pool", "set-default", "racked"]).status == 0)
        var bucket = ""
        try await PortalTests.eventually("a new bucket lands in the rack pool") {
            bucket = "racked-\(UUID().uuidString.prefix(6).lowercased())"
            guard try await cluster.s3("PUT", "/\(bucket)").status == 200 else { return false }
            return try ctl(["bucket", "info", bucket]).output.contains("pool     racked")
        }
        let before = files()
        for index in 0..<6 {
            #expect(
                try await cluster.s3("PUT", "/\(bucket)/o\(index)", body: ClusterTests.random(1 << 20)).status == 200)
        }
        let added = zip(files(), before).map { $0 - $1 }
        #expect(added[2] > 0 && added[0] + added[1] == added[2], "shards added per host: \(added)")
        #expect(added[0] == added[1], "r1's two hosts take its shards in turn: \(added)")
        for index in 0..<6 { #expect(try await cluster.s3("GET", "/\(bucket)/o\(index)").status == 200) }
    }
}
