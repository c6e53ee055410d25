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
            #expect(rack.status == 1 && rack.error.contains("rack"))
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
        }
    }
}
