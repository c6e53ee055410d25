import Foundation
import KSANPortal
import KSANS3
import KSANTestSupport
import NIOCore
import Testing

/// `ksanctl` against a live portal over a real cluster: every command, its output and its exit status, and what the
/// gateway does with the keys it manages.
@Suite("ksanctl and the portal", .serialized)
struct PortalTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `ksanctl` with the cluster's portal and key in its environment (or `environment` instead).
    static func ksanctl(_ cluster: TestCluster, _ arguments: [String], environment: [String: String]? = nil) throws
        -> Run
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cluster.bin + "/ksanctl")
        process.arguments = arguments
        process.environment =
            environment ?? [
                "KSAN_PORTAL_URL": "http://127.0.0.1:\(cluster.portalPort)", "KSAN_API_KEY": cluster.apiKey.text,
                "HOME": cluster.root,
            ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }

    static func json(_ run: Run) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run.output.utf8))
    }

    @Test("every ksanctl command against a live portal, with its error cases")
    func commands() async throws {
        // With the run's broker: the gateway hears of key changes at once instead of after its 10 s cache.
        try await TestCluster.with(amqpURL: try PrivateBroker.sharedURL()) { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try Self.ksanctl(cluster, arguments) }

            // status, servers, disks, pools.
            let status = try ctl(["status"])
            #expect(status.status == 0)
            #expect(status.output.contains("servers 3  disks 6  pools 1 (default default)"), "\(status.output)")
            let statusJSON = try #require(try Self.json(try ctl(["status", "--json"])) as? [String: Any])
            #expect(statusJSON["servers"] as? Int == 3)
            #expect(try ctl(["server", "list"]).output.contains("osd2"))
            #expect(try ctl(["server", "get", "osd1"]).output.contains("osd1-d1, osd1-d2"))
            #expect(try ctl(["disk", "list", "--json"]).output.contains("\"serverId\" : \"osd3\""))
            #expect(try ctl(["disk", "get", "osd2-d2"]).output.contains("osd2"))
            #expect(try ctl(["pool", "list"]).output.contains("EC 4+2"))
            #expect(try ctl(["pool", "get", "default"]).output.contains("default  yes"))
            for missing in [["server", "get", "nope"], ["disk", "get", "nope"], ["pool", "get", "nope"]] {
                let run = try ctl(missing)
                #expect(run.status == 1, "\(missing)")
                #expect(run.error.contains("HTTP 404"), "\(missing): \(run.error)")
            }

            // Users and keys, and what the gateway makes of them.
            #expect(try ctl(["user", "create", "carol"]).status == 0)
            let duplicate = try ctl(["user", "create", "carol"])
            #expect(duplicate.status == 1)
            #expect(duplicate.error.contains("exists") && duplicate.error.contains("HTTP 409"))
            let created = try #require(try Self.json(try ctl(["key", "create", "carol", "--json"])) as? [String: Any])
            let accessKey = try #require(created["accessKeyId"] as? String)
            let secretKey = try #require(created["secretKey"] as? String)
            let carol = SigV4Signer(accessKeyId: accessKey, secretKey: secretKey, region: "us-east-1")
            #expect(try await cluster.s3("PUT", "/carols", as: carol).status == 200)
            #expect(
                try await cluster.s3("PUT", "/carols/a.txt", body: ByteBuffer(string: "hello"), as: carol).status == 200
            )
            #expect(try ctl(["user", "list"]).output.contains("carol  1     1"))
            let keys = try ctl(["key", "list", "carol"])
            #expect(
                keys.output.contains(accessKey) && keys.output.contains("enabled") && !keys.output.contains(secretKey))
            #expect(try ctl(["key", "list"]).output.contains(cluster.accessKey))
            let bucket = try ctl(["bucket", "info", "carols"])
            #expect(bucket.output.contains("carol (") && bucket.output.contains("objects  1"), "\(bucket.output)")
            #expect(try ctl(["bucket", "list"]).output.contains("carols"))
            #expect(try ctl(["bucket", "info", "nope"]).status == 1)

            // A disabled key is refused by the gateway within seconds; enabled again, it works again.
            #expect(try ctl(["key", "disable", accessKey]).output.contains("disabled"))
            try await Self.eventually("the gateway refuses the disabled key") {
                let reply = try await cluster.s3("GET", "/carols", as: carol)
                return reply.status == 403 && String(buffer: reply.body).contains("InvalidAccessKeyId")
            }
            #expect(try ctl(["key", "enable", accessKey]).status == 0)
            try await Self.eventually("the gateway accepts the enabled key") {
                try await cluster.s3("GET", "/carols", as: carol).status == 200
            }
            #expect(try ctl(["key", "disable", "NOSUCHKEY"]).status == 1)

            // Pushed over the bus: a key the gateway has just cached (its cache would keep it 10 s) is refused
            // within a few seconds of being disabled. Under load (the suites run in parallel) ksanctl itself may
            // take seconds; an attempt whose disable came too late to tell a push from the cache's expiry is
            // made again with a new key.
            var proven = false
            for _ in 0..<3 where !proven {
                let second = try #require(
                    try Self.json(try ctl(["key", "create", "carol", "--json"])) as? [String: Any])
                let pushed = SigV4Signer(
                    accessKeyId: try #require(second["accessKeyId"] as? String),
                    secretKey: try #require(second["secretKey"] as? String), region: "us-east-1")
                let cached = ContinuousClock.now
                #expect(try await cluster.s3("GET", "/carols", as: pushed).status == 200)
                #expect(try ctl(["key", "disable", pushed.accessKeyId]).status == 0)
                if ContinuousClock.now - cached < .seconds(3) {
                    try await Self.eventually("the gateway hears of the disabled key", within: .seconds(6)) {
                        try await cluster.s3("GET", "/carols", as: pushed).status == 403
                    }
                    #expect(ContinuousClock.now - cached < .seconds(9), "refused only when the cache expired: no push")
                    proven = true
                }
                #expect(try ctl(["key", "remove", pushed.accessKeyId]).status == 0)
            }
            #expect(proven, "ksanctl key disable took 3 s or more three times")

            // A user who owns buckets stays; once they are gone, the user and keys go.
            let owner = try ctl(["user", "remove", "carol"])
            #expect(owner.status == 1 && owner.error.contains("owns buckets"))
            #expect(try await cluster.s3("DELETE", "/carols/a.txt", as: carol).status == 204)
            #expect(try await cluster.s3("DELETE", "/carols", as: carol).status == 204)
            #expect(try ctl(["key", "remove", accessKey]).status == 0)
            #expect(try ctl(["key", "remove", accessKey]).status == 1)
            #expect(try ctl(["user", "remove", "carol"]).status == 0)
            #expect(try ctl(["user", "get", "carol"]).status == 1)

            // API keys: a new one works, the bootstrap one can be removed with it, the last one cannot.
            let newKey = try #require(try Self.json(try ctl(["api-key", "create", "ops", "--json"])) as? [String: Any])
            let newText = try #require(newKey["key"] as? String)
            let newId = try #require(newKey["id"] as? String)
            #expect(try ctl(["api-key", "list"]).output.contains("ops"))
            #expect(try ctl(["api-key", "remove", cluster.apiKey.id, "--api-key", newText]).status == 0)
            let last = try ctl(["api-key", "remove", newId, "--api-key", newText])
            #expect(last.status == 1 && last.error.contains("last API key"))
            // The removed key is refused: exit 3, and the portal says nothing more than Unauthorized.
            let refused = try ctl(["status"])
            #expect(refused.status == 3)
            #expect(refused.error.contains("Unauthorized (HTTP 401"))

            // Where the portal and key come from, and what happens when they are missing or wrong.
            let noURL = try Self.ksanctl(cluster, ["status"], environment: ["HOME": cluster.root])
            #expect(noURL.status == 64 && noURL.error.contains("no portal URL"))
            let configPath = cluster.root + "/ksanctl.conf"
            try "# test\nportal_url = http://127.0.0.1:\(cluster.portalPort)\napi_key = \"\(newText)\"\n".write(
                toFile: configPath, atomically: true, encoding: .utf8)
            let fromFile = try Self.ksanctl(
                cluster, ["status", "--config", configPath], environment: ["HOME": cluster.root])
            #expect(fromFile.status == 0, "\(fromFile.error)")
            let unreachable = try Self.ksanctl(
                cluster, ["status", "--portal-url", "http://127.0.0.1:1", "--api-key", newText],
                environment: ["HOME": cluster.root])
            #expect(unreachable.status == 4 && unreachable.error.contains("cannot reach the portal"))
            #expect(try Self.ksanctl(cluster, ["--help"], environment: [:]).output.contains("Examples:"))
        }
    }

    @Test("a host joins with a join token: the cluster key and addresses for a valid token, 401 for any other")
    func joinTokens() async throws {
        try await TestCluster.with { cluster in
            try await cluster.startPortal()
            let ctl = { (arguments: [String]) in try Self.ksanctl(cluster, arguments) }
            let portal = "http://127.0.0.1:\(cluster.portalPort)"
            // A joining host has no API key: only the portal's URL and the token.

            let created = try #require(
                try Self.json(try ctl(["join-token", "create", "--uses", "2", "--description", "rack 2", "--json"]))
                    as? [String: Any])
            let token = try #require(created["token"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(token.hasPrefix("ksanj_\(id)_") && created["usesLeft"] as? Int == 2)
            let listed = try ctl(["join-token", "list"])
            #expect(listed.output.contains(id) && listed.output.contains("rack 2") && !listed.output.contains(token))

            // h4 joins: the key file holds the cluster key, 0600; the addresses are printed.
            let keyFile = cluster.root + "/h4-cluster-key"
            let first = try Self.ksanctl(
                cluster,
                ["join", token, "--portal-url", portal, "--host-id", "h4", "--cluster-key-file", keyFile],
                environment: ["HOME": cluster.root])
            #expect(first.status == 0, "\(first.error)")
            #expect(first.output.contains("metadata-url  http://127.0.0.1:\(cluster.metadataPort)"), "\(first.output)")
            #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == cluster.clusterKey + "\n")
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            // h4 again (an installer re-run), the token from the environment, for a script: no use taken.
            let again = try Self.ksanctl(
                cluster,
                ["join", "--portal-url", portal, "--host-id", "h4", "--cluster-key-file", keyFile, "--shell"],
                environment: ["HOME": cluster.root, "KSAN_JOIN_TOKEN": token])
            #expect(again.status == 0, "\(again.error)")
            #expect(again.output == "KSAN_METADATA_URL='http://127.0.0.1:\(cluster.metadataPort)'\n")
            let afterAgain = try #require(
                try Self.json(try ctl(["join-token", "list", "--json"])) as? [[String: Any]])
            #expect(afterAgain.first?["usesLeft"] as? Int == 1 && afterAgain.first?["hosts"] as? [String] == ["h4"])

            // h5 takes the last use; h6 is refused, as a wrong secret, a malformed token and a bad host id are.
            let h5 = try Self.ksanctl(
                cluster,
                ["join", token, "--portal-url", portal, "--host-id", "h5", "--cluster-key-file", cluster.root + "/k5"],
                environment: ["HOME": cluster.root])
            #expect(h5.status == 0, "\(h5.error)")
            let forged = "ksanj_\(id)_" + String(repeating: "A", count: 40)
            for (host, presented) in [("h6", token), ("h6", forged), ("h6", "ksanj_nope"), ("h4", forged)] {
                let refused = try Self.ksanctl(
                    cluster,
                    [
                        "join", presented, "--portal-url", portal, "--host-id", host, "--cluster-key-file",
                        cluster.root + "/refused-key",
                    ],
                    environment: ["HOME": cluster.root])
                #expect(refused.status == 3, "\(host) \(presented): \(refused.error)")
                #expect(refused.error.contains("Unauthorized (HTTP 401"), "\(refused.error)")
                #expect(!FileManager.default.fileExists(atPath: cluster.root + "/refused-key"))
            }
            let badHost = try Self.ksanctl(
                cluster,
                ["join", token, "--portal-url", portal, "--host-id", "a/b", "--cluster-key-file", cluster.root + "/x"],
                environment: ["HOME": cluster.root])
            #expect(badHost.status == 1 && badHost.error.contains("HTTP 400"), "\(badHost.error)")

            // Limits, and revocation: a removed token lets not even its own hosts back.
            let tooLong = try ctl(["join-token", "create", "--ttl", "604801"])
            #expect(tooLong.status == 1 && tooLong.error.contains("ttlSeconds"), "\(tooLong.error)")
            let tooMany = try ctl(["join-token", "create", "--uses", "0"])
            #expect(tooMany.status == 1 && tooMany.error.contains("uses"), "\(tooMany.error)")
            #expect(try ctl(["join-token", "remove", id]).status == 0)
            #expect(try ctl(["join-token", "remove", id]).status == 1)
            let revoked = try Self.ksanctl(
                cluster, ["join", token, "--portal-url", portal, "--host-id", "h4", "--cluster-key-file", keyFile],
                environment: ["HOME": cluster.root])
            #expect(revoked.status == 3, "\(revoked.error)")
            // Creating and listing tokens needs the API key.
            let noKey = try Self.ksanctl(
                cluster, ["join-token", "list", "--portal-url", portal], environment: ["HOME": cluster.root])
            #expect(noKey.status == 64 && noKey.error.contains("no API key"), "\(noKey.error)")
        }
    }

    static func eventually(
        _ what: String, within limit: Duration = .seconds(20), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("not within \(limit): \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
