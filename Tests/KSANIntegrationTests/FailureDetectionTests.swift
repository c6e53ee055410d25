import Foundation
import KSANTestSupport
import NIOCore
import Testing

extension OperationsTests {
    /// Hosts marked Offline from their OSDs' heartbeats (and back Online), or held Offline by an operator, with
    /// real executables and the real broker.
    @Suite("Failure detection", .serialized)
    struct FailureDetectionTests {
        static func servers(_ cluster: TestCluster) throws -> [String: [String: Any]] {
            let run = try PortalTests.ksanctl(cluster, ["server", "list", "--json"])
            #expect(run.status == 0, "\(run.error)")
            let items = try #require(try PortalTests.json(run) as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: items.map { ($0["id"] as! String, $0) })
        }

        static func state(_ cluster: TestCluster, _ server: String) throws -> String? {
            try servers(cluster)[server]?["state"] as? String
        }

        @Test("a killed OSD's host goes Offline after the timeout and Online when it is back; an operator holds it")
        func offlineAndBack() async throws {
            try await TestCluster.with(
                amqpURL: try PrivateBroker.sharedURL(), environment: ["KSAN_HEARTBEAT_SECONDS": "0.5"],
                metadataArguments: ["--osd-timeout", "8"]
            ) { cluster in
                try await cluster.startPortal()
                #expect(try await cluster.s3("PUT", "/fd-bucket").status == 200)
                let body = ByteBuffer(repeating: 7, count: 300_000)
                #expect(try await cluster.s3("PUT", "/fd-bucket/before", body: body).status == 200)
                try await PortalTests.eventually("every server is Online") {
                    try Self.servers(cluster).values.allSatisfy { $0["state"] as? String == "Online" }
                }

                let killed = ContinuousClock.now
                cluster.killOSD(2)
                try await PortalTests.eventually("osd3 is Offline", within: .seconds(30)) {
                    try Self.state(cluster, "osd3") == "Offline"
                }
                // Only the killed one: the others, heartbeating, stay Online. (How soon after the kill depends on how
                // late its last heartbeats were on a loaded machine, so only the upper bound is checked.)
                #expect(ContinuousClock.now - killed < .seconds(30))
                try await PortalTests.eventually("the other hosts are Online") {
                    try Self.state(cluster, "osd1") == "Online" && Self.state(cluster, "osd2") == "Online"
                }
                let offline = try #require(try Self.servers(cluster)["osd3"])
                #expect(offline["stateSince"] is String && offline["stateHeld"] as? Bool == false)
                let status = try PortalTests.ksanctl(cluster, ["status", "--json"])
                let report = try #require(try PortalTests.json(status) as? [String: Any])
                #expect(report["health"] as? String == "DEGRADED")
                #expect((report["warnings"] as? [String])?.contains("server osd3 is Offline") == true, "\(report)")
                // Reads go around it: the bytes are right without it.
                let read = try await cluster.s3("GET", "/fd-bucket/before")
                #expect(read.status == 200 && read.body == body)

                try await cluster.startOSD(2)
                try await PortalTests.eventually("osd3 is Online again", within: .seconds(30)) {
                    try Self.state(cluster, "osd3") == "Online"
                }

                // An operator's Offline holds against the heartbeats, until the operator sets Online.
                let held = try PortalTests.ksanctl(cluster, ["server", "set-state", "osd3", "Offline"])
                #expect(held.status == 0 && held.output.contains("Offline (held)"), "\(held.output) \(held.error)")
                try await Task.sleep(for: .seconds(9))
                #expect(try Self.state(cluster, "osd3") == "Offline")
                #expect(try Self.servers(cluster)["osd3"]?["stateHeld"] as? Bool == true)
                let released = try PortalTests.ksanctl(cluster, ["server", "set-state", "osd3", "Online"])
                #expect(released.status == 0, "\(released.error)")
                #expect(try Self.state(cluster, "osd3") == "Online")
                let bad = try PortalTests.ksanctl(cluster, ["server", "set-state", "osd3", "Sleeping"])
                #expect(bad.status != 0)
                let unknown = try PortalTests.ksanctl(cluster, ["server", "set-state", "nope", "Offline"])
                #expect(unknown.status == 1 && unknown.error.contains("No such server"), "\(unknown.error)")
            }
        }
    }
}
