import AsyncHTTPClient
import Foundation
import KSANPortal
import KSANTestSupport
import NIOCore
import Testing

extension OperationsTests {
    /// Every process registers with heartbeats over the real broker; the portal shows them Online, Timeout and Offline,
    /// with the disks' space; every service serves Prometheus metrics that count what it did.
    @Suite("services, heartbeats and metrics", .serialized)
    struct ServicesTests {
        func services(_ cluster: TestCluster) throws -> [String: [String: Any]] {
            let run = try PortalTests.ksanctl(cluster, ["service", "list", "--json"])
            #expect(run.status == 0, "\(run.error)")
            let items = try #require(try PortalTests.json(run) as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: items.map { ($0["id"] as! String, $0) })
        }

        func scrape(_ cluster: TestCluster, port: Int) async throws -> String {
            let response = try await cluster.http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            return String(buffer: try await response.body.collect(upTo: 4 << 20))
        }

        /// The value of the sample `name{labels}` (labels as printed), or 0 if there is none yet.
        func sample(_ text: String, _ series: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
                return Double(line.dropFirst(series.count + 1)) ?? -1
            }
            return 0
        }

        @Test("heartbeats: Online, then Offline after a clean stop and Timeout after a kill; disks report space")
        func heartbeats() async throws {
            try await TestCluster.with(
                amqpURL: try PrivateBroker.sharedURL(), environment: ["KSAN_HEARTBEAT_SECONDS": "1"]
            ) { cluster in
                try await cluster.startPortal()
                let gateway = "gateway@127.0.0.1:\(cluster.gatewayPort)"
                let osd3 = "osd@127.0.0.1:\(cluster.osds[2].port)"
                let expected =
                    [
                        gateway, "metadata@127.0.0.1:\(cluster.metadataPort)", "portal@127.0.0.1:\(cluster.portalPort)",
                    ] + cluster.osds.map { "osd@127.0.0.1:\($0.port)" }
                try await waitUntilAsync(seconds: 20) {
                    let listed = try services(cluster)
                    return expected.allSatisfy { listed[$0]?["state"] as? String == "Online" }
                }
                let listed = try services(cluster)
                #expect(listed[osd3]?["serverId"] as? String == "osd3")
                #expect(listed[osd3]?["kind"] as? String == "osd")
                #expect(listed[gateway]?["version"] as? String == "0.9.0")

                // Disk space arrives with the OSDs' heartbeats.
                let disks = try #require(
                    try PortalTests.json(try PortalTests.ksanctl(cluster, ["disk", "list", "--json"]))
                        as? [[String: Any]])
                for disk in disks {
                    let capacity = try #require(disk["capacityBytes"] as? Int64, "\(disk)")
                    let used = try #require(disk["usedBytes"] as? Int64)
                    #expect(capacity > 0 && used > 0 && used <= capacity)
                }
                let status = try #require(
                    try PortalTests.json(try PortalTests.ksanctl(cluster, ["status", "--json"])) as? [String: Any])
                #expect((status["capacityBytes"] as? Int64 ?? 0) > 0)
                // The broker is shared with the other suites' clusters, whose heartbeats this one records too (one
                // broker, or one virtual host, serves one cluster): at least its own six are counted.
                let counts = try #require(status["services"] as? [String: Any])
                #expect((counts["online"] as? Int ?? 0) >= 6, "\(status)")
                #expect(try PortalTests.ksanctl(cluster, ["status"]).output.contains("services: "))

                // An Online service cannot be forgotten.
                let refused = try PortalTests.ksanctl(cluster, ["service", "remove", osd3])
                #expect(refused.status == 1 && refused.error.contains("Online"), "\(refused.error)")

                // A clean stop says so: Offline. A killed OSD falls silent: Timeout, and the cluster is DEGRADED.
                cluster.gateway?.terminate()
                cluster.gateway?.waitUntilExit()
                cluster.killOSD(2)
                try await waitUntilAsync(seconds: 20) {
                    let listed = try services(cluster)
                    return listed[gateway]?["state"] as? String == "Offline"
                        && listed[osd3]?["state"] as? String == "Timeout"
                }
                let degraded = try PortalTests.ksanctl(cluster, ["status"])
                #expect(degraded.output.contains("DEGRADED") && degraded.output.contains(osd3), "\(degraded.output)")
                #expect(try PortalTests.ksanctl(cluster, ["service", "list"]).output.contains("Timeout"))

                // A stopped service can be forgotten; an unknown one is 404.
                let removed = try PortalTests.ksanctl(cluster, ["service", "remove", gateway])
                #expect(removed.status == 0, "\(removed.error)")
                #expect(try services(cluster)[gateway] == nil)
                let unknown = try PortalTests.ksanctl(cluster, ["service", "get", "nothing@here:1"])
                #expect(unknown.status == 1 && unknown.error.contains("No such service"), "\(unknown.error)")

                // Path parameters are percent-decoded: a user name with a space and a slash is found by name.
                #expect(try PortalTests.ksanctl(cluster, ["user", "create", "Ann Lee/ops"]).status == 0)
                let named = try PortalTests.ksanctl(cluster, ["user", "get", "Ann Lee/ops"])
                #expect(named.status == 0 && named.output.contains("Ann Lee/ops"), "\(named.error)")

                // Restarted, the OSD is Online again under the same id.
                try await cluster.startOSD(2)
                try await waitUntilAsync(seconds: 20) { try services(cluster)[osd3]?["state"] as? String == "Online" }
            }
        }

        @Test("every service serves /metrics, and the counters follow the requests")
        func metrics() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startPortal()
                let put = "ksan_s3_requests_total{operation=\"PutObject\",status=\"200\"}"
                let before = try await scrape(cluster, port: cluster.gatewayMetricsPort)
                let bucket = try await cluster.s3("PUT", "/metrics-bucket")
                #expect(bucket.status == 200)
                let body = ByteBuffer(repeating: 7, count: 100_000)
                #expect(try await cluster.s3("PUT", "/metrics-bucket/object", body: body).status == 200)
                #expect(try await cluster.s3("GET", "/metrics-bucket/object").status == 200)
                #expect(try await cluster.s3("GET", "/no-such-bucket-here/x").status == 404)

                let after = try await scrape(cluster, port: cluster.gatewayMetricsPort)
                #expect(sample(after, put) == sample(before, put) + 1, "\(after)")
                #expect(sample(after, "ksan_s3_requests_total{operation=\"GetObject\",status=\"404\"}") >= 1)
                #expect(
                    sample(after, "ksan_s3_received_bytes_total") - sample(before, "ksan_s3_received_bytes_total")
                        >= 100_000)
                #expect(
                    sample(after, "ksan_s3_sent_bytes_total") - sample(before, "ksan_s3_sent_bytes_total") >= 100_000)
                #expect(sample(after, "ksan_s3_request_duration_seconds_count{operation=\"PutObject\"}") >= 1)
                #expect(after.contains("ksan_build_info{version=\"0.9.0\"} 1"))

                // Each OSD wrote shards of the object, and reports its disks' space, without a cluster-key signature.
                var written = 0.0
                for osd in cluster.osds {
                    let text = try await scrape(cluster, port: osd.port)
                    for d in 1...2 {
                        written += sample(
                            text, "ksan_osd_shard_bytes_total{disk=\"\(osd.id)-d\(d)\",operation=\"write\"}")
                        #expect(sample(text, "ksan_disk_capacity_bytes{disk=\"\(osd.id)-d\(d)\"}") > 0)
                    }
                }
                #expect(written >= 100_000, "4+2 writes the object and its parity: \(written) bytes")

                let metadata = try await scrape(cluster, port: cluster.metadataPort)
                for name in ["ksan_outbox_pending_events", "ksan_repair_queue_length", "ksan_gc_queue_length"] {
                    #expect(metadata.contains("\n\(name) "), "\(name) missing")
                }
                let portal = try await scrape(cluster, port: cluster.portalPort)
                #expect(portal.contains("ksan_build_info"))
            }
        }

        @Test("zones: add, list, get, remove, and what is refused")
        func zones() async throws {
            try await TestCluster.with { cluster in
                try await cluster.startPortal()
                let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
                let added = try ctl(["zone", "add", "seoul-b", "--endpoint", "https://s3.seoul-b.example.com"])
                #expect(added.status == 0 && added.output.contains("https://s3.seoul-b.example.com"), "\(added.error)")
                #expect(try ctl(["zone", "list"]).output.contains("seoul-b"))
                let listed = try #require(
                    try PortalTests.json(try ctl(["zone", "list", "--json"])) as? [[String: Any]])
                #expect(listed.map { $0["name"] as? String } == ["seoul-b"])
                #expect(try ctl(["zone", "get", "seoul-b"]).output.contains("endpoint"))

                let twice = try ctl(["zone", "add", "seoul-b", "--endpoint", "https://elsewhere.example.com"])
                #expect(twice.status == 1 && twice.error.contains("exists"), "\(twice.error)")
                for endpoint in ["ftp://x.example.com", "not a url", "https://user@x.example.com", "https://x/?a=b"] {
                    let bad = try ctl(["zone", "add", "z2", "--endpoint", endpoint])
                    #expect(bad.status == 1 && bad.error.contains("endpoint"), "\(endpoint): \(bad.error)")
                }
                let badName = try ctl(["zone", "add", "no spaces", "--endpoint", "https://x.example.com"])
                #expect(badName.status == 1 && badName.error.contains("zone id"), "\(badName.error)")
                #expect(try PortalTests.json(try ctl(["zone", "list", "--json"])) as? [[String: Any]] != nil)
                #expect((try PortalTests.json(try ctl(["zone", "list", "--json"])) as? [[String: Any]])?.count == 1)

                #expect(try ctl(["zone", "remove", "seoul-b"]).status == 0)
                let gone = try ctl(["zone", "remove", "seoul-b"])
                #expect(gone.status == 1 && gone.error.contains("No such zone"), "\(gone.error)")
                #expect(try ctl(["zone", "get", "seoul-b"]).status == 1)
            }
        }
    }
}
