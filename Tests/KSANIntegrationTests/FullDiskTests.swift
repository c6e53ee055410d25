import Foundation
import KSANTestSupport
import NIOCore
import Testing

extension OperationsTests {
    /// Disks with no room: the OSDs refuse shard writes under their `--disk-reserve` and report the disks full with
    /// their heartbeats; placement then gives them no new shards, and a pool that cannot place a stripe answers
    /// 507 InsufficientCapacity, changing nothing.
    @Suite("Full disks", .serialized)
    struct FullDiskTests {
        static func diskList(_ cluster: TestCluster) throws -> [[String: Any]] {
            let run = try PortalTests.ksanctl(cluster, ["disk", "list", "--json"])
            return try #require(try PortalTests.json(run) as? [[String: Any]])
        }

        static func expectFull(_ reply: TestCluster.Reply, _ what: String) {
            #expect(reply.status == 507, "\(what): \(reply.status) \(String(buffer: reply.body))")
            let body = String(buffer: reply.body)
            #expect(body.contains("<Code>InsufficientCapacity</Code>") && body.contains("<RequestId>"), "\(body)")
        }

        @Test("the OSDs report their disks full, placement refuses the write with 507, and nothing is stored")
        func poolFull() async throws {
            try await TestCluster.with(
                amqpURL: try PrivateBroker.sharedURL(), environment: ["KSAN_HEARTBEAT_SECONDS": "0.5"],
                osdArguments: ["--disk-reserve", "100%"]
            ) { cluster in
                try await cluster.startPortal()
                #expect(try await cluster.s3("PUT", "/full-bucket").status == 200)
                try await PortalTests.eventually("every disk reported full", within: .seconds(30)) {
                    try Self.diskList(cluster).allSatisfy { $0["full"] as? Bool == true }
                }
                let status = try #require(
                    try PortalTests.json(try PortalTests.ksanctl(cluster, ["status", "--json"])) as? [String: Any])
                #expect(
                    (status["warnings"] as? [String])?.contains("disk osd1-d1 is full: no new shards") == true,
                    "\(status)")
                try await PortalTests.eventually("the gateway refuses writes as full", within: .seconds(15)) {
                    let reply = try await cluster.s3(
                        "PUT", "/full-bucket/o", body: ByteBuffer(repeating: 1, count: 100_000))
                    return reply.status == 507
                }
                Self.expectFull(
                    try await cluster.s3("PUT", "/full-bucket/o", body: ByteBuffer(repeating: 1, count: 100_000)),
                    "PUT")
                #expect(try await cluster.s3("HEAD", "/full-bucket/o").status == 404)
                #expect(cluster.shardFiles().isEmpty, "no shard was stored")
            }
        }

        @Test("without heartbeats the OSDs' own refusal gives the same 507")
        func refusedByTheOSDs() async throws {
            try await TestCluster.with(osdArguments: ["--disk-reserve", "100%"]) { cluster in
                #expect(try await cluster.s3("PUT", "/full-bucket").status == 200)
                Self.expectFull(
                    try await cluster.s3("PUT", "/full-bucket/o", body: ByteBuffer(repeating: 2, count: 300_000)),
                    "PUT")
                #expect(try await cluster.s3("HEAD", "/full-bucket/o").status == 404)
                #expect(cluster.shardFiles().isEmpty, "no shard was stored")
            }
        }
    }
}
