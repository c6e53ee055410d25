import Foundation
import NIOCore
import PostgresNIO
import Testing

/// A pool grows: disks are added with `ksanctl pool add-disks`, and `ksanctl pool rebalance` spreads the shards
/// already stored over them while the cluster serves.
@Suite("Rebalance of a pool that grew", .serialized)
struct RebalanceTests {
    /// Shards per disk, from placement.
    static func shardsPerDisk(_ cluster: TestCluster) async throws -> [String: Int] {
        let counts = Counts()
        try await cluster.withPostgres(database: cluster.database) { client in
            let rows = try await client.query("SELECT d, count(*)::int FROM placement, unnest(disk_ids) d GROUP BY d")
            for try await (disk, count) in rows.decode((String, Int).self) { counts.set(disk, count) }
        }
        return counts.value
    }

    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String: Int] = [:]
        var value: [String: Int] { lock.withLock { stored } }
        func set(_ disk: String, _ count: Int) { lock.withLock { stored[disk] = count } }
    }

    @Test("disks added to a pool take new shards at once, and a rebalance moves stored shards onto them")
    func addedDisksAreFilledByARebalance() async throws {
        try await TestCluster.with(extraDisks: 1) { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
            for h in 1...3 { #expect(try ctl(["disk", "add", "osd\(h)-d3", "--server", "osd\(h)"]).status == 0) }
            let old = (1...3).flatMap { h in (1...2).map { "osd\(h)-d\($0)" } }
            let added = (1...3).map { "osd\($0)-d3" }
            try await RebuildTests.defaultPool(cluster, "grow", disks: old, bucket: "grown")
            var bodies: [String: ByteBuffer] = [:]
            for i in 0..<18 {
                let body = ClusterTests.random(200_000 + i * 13_000)
                bodies["o\(i)"] = body
                #expect(try await cluster.s3("PUT", "/grown/o\(i)", body: body).status == 200)
            }
            let before = try await Self.shardsPerDisk(cluster)
            #expect(added.allSatisfy { before[$0] == nil }, "\(before)")

            // Nothing to rebalance in a pool that does not exist; disks that do not exist are refused.
            #expect(try ctl(["pool", "rebalance", "nope"]).status == 1)
            let unknown = try ctl(["pool", "add-disks", "grow", "osd9-d9"])
            #expect(unknown.status == 1, "\(unknown.output)")
            let grown = try ctl(["pool", "add-disks", "grow"] + added)
            #expect(grown.status == 0 && grown.output.contains("osd3-d3"), "\(grown.output) \(grown.error)")

            let started = try ctl(["pool", "rebalance", "grow"])
            #expect(started.status == 0 && started.output.contains("running"), "\(started.output) \(started.error)")
            try await PortalTests.eventually("the rebalance finishes", within: .seconds(90)) {
                let pool = try PortalTests.json(try ctl(["pool", "get", "grow", "--json"])) as? [String: Any]
                return pool?["rebalanceSince"] == nil
            }
            let after = try await Self.shardsPerDisk(cluster)
            #expect(added.allSatisfy { (after[$0] ?? 0) > 0 }, "\(after)")
            #expect(after.values.reduce(0, +) == before.values.reduce(0, +), "every shard kept: \(before) \(after)")
            let spread = { (counts: [String: Int]) in
                (old + added).map { counts[$0] ?? 0 }.max()! - (old + added).map { counts[$0] ?? 0 }.min()!
            }
            #expect(spread(after) < spread(before), "\(before) \(after)")
            let status = try #require(try PortalTests.json(try ctl(["status", "--json"])) as? [String: Any])
            #expect((status["rebalance"] as? [Any])?.isEmpty == true, "\(status)")
            for (key, body) in bodies {
                let read = try await cluster.s3("GET", "/grown/\(key)")
                #expect(read.status == 200 && read.body == body, "\(key)")
            }
            // Still whole without any one host: moves kept at most 2 shards of a stripe per host.
            cluster.killOSD(2)
            for (key, body) in bodies {
                let read = try await cluster.s3("GET", "/grown/\(key)")
                #expect(read.status == 200 && read.body == body, "\(key) without osd3")
            }
        }
    }
}
