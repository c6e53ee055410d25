import Foundation
import NIOCore
import PostgresNIO
import Testing

/// Shards of a disk that must be emptied move to other disks while the cluster serves: placement changes, reads
/// use the new disks at once, and the copies left behind are collected.
@Suite("Rebuild onto other disks", .serialized)
struct RebuildTests {
    /// Data ids whose placement names `disk`.
    static func placedOn(_ cluster: TestCluster, _ disk: String) async throws -> Int {
        let count = Count()
        try await cluster.withPostgres(database: cluster.database) { client in
            let rows = try await client.query("SELECT count(*)::int FROM placement WHERE \(disk) = ANY(disk_ids)")
            for try await value in rows.decode(Int.self) { count.set(value) }
        }
        return count.value
    }

    final class Count: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = 0
        var value: Int { lock.withLock { stored } }
        func set(_ value: Int) { lock.withLock { stored = value } }
    }

    /// Creates a 4+2 pool over `disks`, makes it the default, and creates `bucket` in it (once the change reached the
    /// gateway: a bucket created before lands in the old default and is deleted again).
    static func defaultPool(_ cluster: TestCluster, _ pool: String, disks: [String], bucket: String) async throws {
        let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
        #expect(try ctl(["pool", "create", pool, "--ec", "4+2", "--disks", disks.joined(separator: ",")]).status == 0)
        #expect(try ctl(["pool", "set-default", pool]).status == 0)
        try await PortalTests.eventually("a new bucket lands in the new pool") {
            guard try await cluster.s3("PUT", "/\(bucket)").status == 200 else { return false }
            if try ctl(["bucket", "info", bucket]).output.contains("pool     \(pool)") { return true }
            _ = try await cluster.s3("DELETE", "/\(bucket)")
            return false
        }
    }

    /// Adds a third disk to each server, makes a 4+2 pool over all nine the default, and fills a bucket of it.
    static func widePoolWithObjects(_ cluster: TestCluster) async throws -> [String: ByteBuffer] {
        let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
        for h in 1...3 { #expect(try ctl(["disk", "add", "osd\(h)-d3", "--server", "osd\(h)"]).status == 0) }
        let all = (1...3).flatMap { h in (1...3).map { "osd\(h)-d\($0)" } }
        try await defaultPool(cluster, "wide", disks: all, bucket: "rebuilt")
        var bodies: [String: ByteBuffer] = [:]
        for i in 0..<12 {
            let body = ClusterTests.random(100_000 + i * 97_000)
            bodies["o\(i)"] = body
            #expect(try await cluster.s3("PUT", "/rebuilt/o\(i)", body: body).status == 200)
        }
        return bodies
    }

    @Test("a disk marked Bad is emptied onto the others: every object reads back, its shard files are collected")
    func badDiskIsRebuiltElsewhere() async throws {
        try await TestCluster.with(extraDisks: 1) { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
            let bodies = try await Self.widePoolWithObjects(cluster)
            let bad = "osd1-d1"
            let before = try await Self.placedOn(cluster, bad)
            #expect(before > 0)
            let filesBefore = cluster.shardFiles().filter { $0.hasPrefix(cluster.osds[0].disks[0] + "/") }.count
            #expect(filesBefore > 0)

            #expect(try ctl(["disk", "set-state", bad, "Bad"]).status == 0)
            try await PortalTests.eventually("no data is placed on the Bad disk", within: .seconds(60)) {
                try await Self.placedOn(cluster, bad) == 0
            }
            // ksanctl status shows the disk being emptied, nothing left on it, and what moved lately.
            let status = try #require(try PortalTests.json(try ctl(["status", "--json"])) as? [String: Any])
            let rebuild = try #require(status["rebuild"] as? [String: Any])
            #expect(rebuild["disks"] as? [String] == [bad] && rebuild["dataRemaining"] as? Int == 0, "\(rebuild)")
            #expect((rebuild["dataMovedLately"] as? Int ?? 0) >= before, "\(rebuild)")
            #expect(try ctl(["status"]).output.contains("rebuild: 0 data"))
            // Every object reads back right (through the new disks: the Bad one is read last, and soon empty).
            for (key, body) in bodies {
                let read = try await cluster.s3("GET", "/rebuilt/\(key)")
                #expect(read.status == 200 && read.body == body, "\(key)")
            }
            // The copies left behind are garbage: collected after the grace period (3 s here).
            try await PortalTests.eventually("the Bad disk's shard files are collected", within: .seconds(60)) {
                cluster.shardFiles().filter { $0.hasPrefix(cluster.osds[0].disks[0] + "/") }.isEmpty
            }
            // Still whole without any one host: each stripe kept at most 2 shards per host.
            cluster.killOSD(1)
            for (key, body) in bodies {
                let read = try await cluster.s3("GET", "/rebuilt/\(key)")
                #expect(read.status == 200 && read.body == body, "\(key) without osd2")
            }
        }
    }

    @Test(
        "ksanctl disk drain empties a disk while it serves; removal is refused until then, and takes it out of its pool"
    )
    func drainThenRemove() async throws {
        try await TestCluster.with(extraDisks: 1) { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
            let bodies = try await Self.widePoolWithObjects(cluster)
            let disk = "osd2-d3"
            #expect(try await Self.placedOn(cluster, disk) > 0)
            let refused = try ctl(["disk", "remove", disk])
            #expect(refused.status == 1 && refused.error.contains("drain it first"), "\(refused.error)")
            let drain = try ctl(["disk", "drain", disk])
            #expect(drain.status == 0 && drain.output.contains("Disabled"), "\(drain.output) \(drain.error)")
            try await PortalTests.eventually("the drained disk holds no data", within: .seconds(60)) {
                try await Self.placedOn(cluster, disk) == 0
            }
            for (key, body) in bodies {
                let read = try await cluster.s3("GET", "/rebuilt/\(key)")
                #expect(read.status == 200 && read.body == body, "\(key)")
            }
            let removed = try ctl(["disk", "remove", disk])
            #expect(removed.status == 0, "\(removed.error)")
            #expect(!(try ctl(["pool", "get", "wide", "--json"]).output.contains(disk)))
            #expect(!(try ctl(["disk", "list"]).output.contains(disk)))
            // New objects keep going to the pool's other disks.
            #expect(try await cluster.s3("PUT", "/rebuilt/after", body: ClusterTests.random(50_000)).status == 200)
        }
    }
}
