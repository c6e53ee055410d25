import Foundation
import KSANTestSupport
import Testing

extension OperationsTests {
    /// `ksanctl config`: versioned live settings pushed over the real broker and applied by running services without a
    /// restart (the log level, seen in their logs), with history, rollback and refusals.
    @Suite("Live settings", .serialized)
    struct SettingsTests {
        static func lines(_ cluster: TestCluster, _ log: String, containing text: String) -> Int {
            let content = (try? String(contentsOfFile: cluster.root + "/logs/\(log).log", encoding: .utf8)) ?? ""
            return content.components(separatedBy: "\n").filter { $0.contains(text) }.count
        }

        @Test("a version set with ksanctl reaches the running services; history and rollback; refusals")
        func liveSettings() async throws {
            try await TestCluster.with(amqpURL: try PrivateBroker.sharedURL()) { cluster in
                try await cluster.startPortal()
                let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
                let initial = try #require(
                    try PortalTests.json(try ctl(["config", "get", "gateway", "--json"])) as? [String: Any])
                #expect(initial["version"] as? Int == 0)
                #expect((initial["liveKeys"] as? [String: Any])?["log-level"] != nil)

                // The processes start at warning: a request leaves no line in the gateway's log.
                let request = "ksan.operation=ListBuckets"
                #expect(try await cluster.s3("GET", "/").status == 200)
                #expect(Self.lines(cluster, "gateway", containing: request) == 0)

                let set = try ctl(["config", "set", "gateway", "log-level=debug", "--comment", "chasing a 503"])
                #expect(set.status == 0 && set.output.contains("version 1") && set.output.contains("log-level = debug"))
                try await PortalTests.eventually("the gateway logs at debug") {
                    _ = try await cluster.s3("GET", "/")
                    return Self.lines(cluster, "gateway", containing: request) > 0
                }
                #expect(Self.lines(cluster, "gateway", containing: "ksan.config.version=1") == 1)

                // Quieter again: requests stop leaving lines.
                #expect(try ctl(["config", "set", "gateway", "log-level=error"]).status == 0)
                try await PortalTests.eventually("the gateway logs errors only") {
                    let before = Self.lines(cluster, "gateway", containing: request)
                    _ = try await cluster.s3("GET", "/")
                    return Self.lines(cluster, "gateway", containing: request) == before
                }

                // History, newest first; a rollback is a new version with the old settings.
                let history = try ctl(["config", "history", "gateway"])
                #expect(history.output.contains("chasing a 503"), "\(history.output)")
                let versions = try #require(
                    try PortalTests.json(try ctl(["config", "history", "gateway", "--json"])) as? [[String: Any]])
                #expect(versions.map { $0["version"] as? Int } == [2, 1])
                let rolled = try ctl(["config", "rollback", "gateway", "1"])
                #expect(rolled.status == 0 && rolled.output.contains("version 3") && rolled.output.contains("debug"))
                try await PortalTests.eventually("the rollback reaches the gateway") {
                    let before = Self.lines(cluster, "gateway", containing: request)
                    _ = try await cluster.s3("GET", "/")
                    return Self.lines(cluster, "gateway", containing: request) > before
                }

                // Each kind has its own versions: the OSDs apply theirs.
                #expect(try ctl(["config", "set", "osd", "log-level=info"]).status == 0)
                try await PortalTests.eventually("every OSD applies its settings") {
                    cluster.osds.allSatisfy { Self.lines(cluster, $0.id, containing: "ksan.config.kind=osd") > 0 }
                }
                #expect(try PortalTests.json(try ctl(["config", "get", "osd", "--json"])) as? [String: Any] != nil)

                // The OSDs' scrub (every 2 s at start, "scrub pass done" at info) stops and starts again live.
                let passes = { Self.lines(cluster, "osd1", containing: "scrub pass done") }
                try await PortalTests.eventually("the OSD scrubs every 2 s") {
                    let before = passes()
                    try await Task.sleep(for: .seconds(3))
                    return passes() > before
                }
                let paused = try ctl(["config", "set", "osd", "log-level=info", "scrub-interval=0", "scrub-rate=8"])
                #expect(paused.status == 0 && paused.output.contains("scrub-interval = 0"), "\(paused.error)")
                try await PortalTests.eventually("the OSD stops scrubbing") {
                    let before = passes()
                    try await Task.sleep(for: .seconds(5))
                    return passes() == before
                }
                #expect(try ctl(["config", "set", "osd", "log-level=info", "scrub-interval=1"]).status == 0)
                try await PortalTests.eventually("the OSD scrubs again, every second") {
                    let before = passes()
                    try await Task.sleep(for: .seconds(3))
                    return passes() >= before + 2
                }
                let osdKeys = try #require(
                    try PortalTests.json(try ctl(["config", "get", "osd", "--json"])) as? [String: Any])
                #expect(
                    (osdKeys["liveKeys"] as? [String: Any]).map { Set($0.keys) } == [
                        "log-level", "scrub-interval", "scrub-rate",
                    ])
                let slow = try ctl(["config", "set", "osd", "scrub-rate=0"])
                #expect(slow.status == 1 && slow.error.contains("scrub-rate must be"), "\(slow.error)")
                let never = try ctl(["config", "set", "osd", "scrub-interval=-1"])
                #expect(never.status == 1 && never.error.contains("scrub-interval must be"), "\(never.error)")
                let gatewayScrub = try ctl(["config", "set", "gateway", "scrub-rate=8"])
                #expect(gatewayScrub.status == 1 && gatewayScrub.error.contains("not applied live by gateway"))

                // The worker applies its own: the repair rate is ksan-worker's, no longer the gateway's.
                let gatewayRepair = try ctl(["config", "set", "gateway", "repair-rate=8"])
                #expect(gatewayRepair.status == 1 && gatewayRepair.error.contains("not applied live by gateway"))
                let workerRate = try ctl(["config", "set", "worker", "log-level=info", "repair-rate=8"])
                #expect(workerRate.status == 0 && workerRate.output.contains("repair-rate = 8"), "\(workerRate.error)")
                try await PortalTests.eventually("the worker applies its settings") {
                    Self.lines(cluster, "worker", containing: "ksan.config.kind=worker") > 0
                }

                // Refused, and nothing changes.
                let unknown = try ctl(["config", "set", "gateway", "block-size=1"])
                #expect(unknown.status == 1 && unknown.error.contains("not applied live"), "\(unknown.error)")
                let loud = try ctl(["config", "set", "gateway", "log-level=loud"])
                #expect(loud.status == 1 && loud.error.contains("log-level must be"), "\(loud.error)")
                let kind = try ctl(["config", "get", "router"])
                #expect(kind.status == 1 && kind.error.contains("kind must be"), "\(kind.error)")
                let missing = try ctl(["config", "rollback", "gateway", "99"])
                #expect(missing.status == 1 && missing.error.contains("No version 99"), "\(missing.error)")
                #expect(try ctl(["config", "set", "gateway"]).status == 64)
                let current = try #require(
                    try PortalTests.json(try ctl(["config", "get", "gateway", "--json"])) as? [String: Any])
                #expect(current["version"] as? Int == 3)
                // Unset: back to what the process started with.
                let unset = try ctl(["config", "set", "gateway", "--unset", "log-level"])
                #expect(unset.status == 0 && unset.output.contains("nothing set"), "\(unset.output)")
            }
        }
    }
}
