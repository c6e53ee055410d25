import Foundation
import KSANTestSupport
import NIOCore
import Testing

extension OperationsTests {
    /// A disk whose shards keep failing their checksums goes Weak, then Bad, from the OSD's own count reported with
    /// its heartbeats; reads stay right, and a Bad disk is read last.
    @Suite("Disk health from failures", .serialized)
    struct DiskHealthTests {
        static func diskState(_ cluster: TestCluster, _ disk: String) throws -> String? {
            let run = try PortalTests.ksanctl(cluster, ["disk", "list", "--json"])
            let items = try #require(try PortalTests.json(run) as? [[String: Any]])
            return items.first { $0["id"] as? String == disk }?["state"] as? String
        }

        @Test("corrupt shards found by the scrub make their disk Weak, then Bad; the bytes stay right")
        func weakThenBad() async throws {
            try await TestCluster.with(
                amqpURL: try PrivateBroker.sharedURL(), environment: ["KSAN_HEARTBEAT_SECONDS": "0.5"],
                osdArguments: ["--disk-weak-errors", "2", "--disk-bad-errors", "4"]
            ) { cluster in
                try await cluster.startPortal()
                #expect(try await cluster.s3("PUT", "/health-bucket").status == 200)
                var bodies: [String: ByteBuffer] = [:]
                for i in 0..<6 {
                    let body = ByteBuffer(repeating: UInt8(i + 1), count: 200_000 + i)
                    bodies["o\(i)"] = body
                    #expect(try await cluster.s3("PUT", "/health-bucket/o\(i)", body: body).status == 200)
                }
                #expect(try Self.diskState(cluster, "osd1-d1") == "Good")
                // Flip a byte in the middle of shard files of osd1-d1, one data id at a time.
                let disk = cluster.osds[0].disks[0]
                let files = cluster.shardFiles().filter { $0.hasPrefix(disk + "/") }.sorted()
                var corrupted = Set<String>()
                func corrupt(_ count: Int) throws {
                    for file in files where corrupted.count < count && !corrupted.contains(file) {
                        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
                        let size = try handle.seekToEnd()
                        try handle.seek(toOffset: size / 2)
                        let byte = try handle.read(upToCount: 1)!.first!
                        try handle.seek(toOffset: size / 2)
                        try handle.write(contentsOf: Data([byte ^ 0xFF]))
                        try handle.close()
                        corrupted.insert(file)
                    }
                }
                try corrupt(2)
                try await PortalTests.eventually("osd1-d1 is Weak", within: .seconds(30)) {
                    try Self.diskState(cluster, "osd1-d1") == "Weak"
                }
                try corrupt(4)
                try await PortalTests.eventually("osd1-d1 is Bad", within: .seconds(30)) {
                    try Self.diskState(cluster, "osd1-d1") == "Bad"
                }
                let status = try #require(
                    try PortalTests.json(try PortalTests.ksanctl(cluster, ["status", "--json"])) as? [String: Any])
                #expect((status["warnings"] as? [String])?.contains("disk osd1-d1 is Bad") == true, "\(status)")
                for (key, body) in bodies {
                    let read = try await cluster.s3("GET", "/health-bucket/\(key)")
                    #expect(read.status == 200 && read.body == body, "\(key)")
                }
                // Never lowered by the cluster: an operator sets a replaced disk Good again.
                let good = try PortalTests.ksanctl(cluster, ["disk", "set-state", "osd1-d1", "Good"])
                #expect(good.status == 0, "\(good.error)")
            }
        }
    }
}
