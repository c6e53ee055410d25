import AsyncHTTPClient
import Foundation
import KSANCore
import KSANMetadata
import KSANPortal
import KSANS3
import KSANTestSupport
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO

/// A whole cluster of real executables (ksan-metadata, three ksan-osd with two disks each, ksan-gateway,
/// ksan-worker) on loopback ports, over a fresh database on the PostgreSQL server named by `KSAN_TEST_POSTGRES_URL`.
/// Binaries come from `KSAN_BIN` (scripts/test.sh sets both).
final class TestCluster: @unchecked Sendable {
    struct OSD {
        var id: String
        var port: Int
        var disks: [String]
        var process: Process?
    }

    let root: String
    let bin: String
    let database: String
    let postgres: PostgresClient.Configuration
    let postgresURL: String
    var metadataPort = 0
    var gatewayPort = 0
    /// The gateway's `/metrics` port.
    var gatewayMetricsPort = 0
    var metadata: Process?
    var gateway: Process?
    /// `ksan-worker`: garbage collection and repair.
    var worker: Process?
    var workerPort = 0
    var portal: Process?
    var portalPort = 0
    /// The portal's bootstrap API key (``startPortal()``).
    let apiKey = APIKey.generate()
    var osds: [OSD] = []
    let accessKey = "KSANTESTACCESSKEY001"
    /// The cluster key all processes share.
    let clusterKey = "ksan-test-cluster-key-" + UUID().uuidString
    var clusterKeyPath: String { root + "/cluster-key" }
    let secretKey = "ksan-test-secret-key-0123456789abcdefghij"
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    /// The broker the metadata service publishes its outbox to, or nil for none (the in-process bus).
    var amqpURL: String?
    /// Disks each OSD serves beyond the two of the topology (`osdN-d3`, ...), for tests that add them.
    var extraDisks = 0
    /// Variables added to every process's environment (`KSAN_HEARTBEAT_SECONDS`, ...).
    var environment: [String: String] = [:]
    /// Flags added to ksan-metadata's (`--osd-timeout`, ...).
    var metadataArguments: [String] = []
    /// Flags added to every ksan-osd's (`--disk-weak-errors`, ...).
    var osdArguments: [String] = []

    static func environment() throws -> (bin: String, postgres: String) {
        let env = ProcessInfo.processInfo.environment
        guard let bin = env["KSAN_BIN"], let pg = env["KSAN_TEST_POSTGRES_URL"] else {
            throw SetupError(
                "KSANIntegrationTests need KSAN_BIN (the build's bin directory) and KSAN_TEST_POSTGRES_URL; "
                    + "run scripts/test.sh, which sets both")
        }
        return (bin, pg)
    }

    init() throws {
        let (bin, pg) = try Self.environment()
        self.bin = bin
        guard let url = URLComponents(string: pg), let host = url.host, let port = url.port else {
            throw SetupError("KSAN_TEST_POSTGRES_URL must be postgres://user@host:port/db")
        }
        database = "ksan_it_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        postgres = PostgresClient.Configuration(
            host: host, port: port, username: url.user ?? "postgres", password: url.password,
            database: String(url.path.dropFirst()), tls: .disable)
        postgresURL = "postgres://\(url.user ?? "postgres")@\(host):\(port)/\(database)"
        root = NSTemporaryDirectory() + "ksan-it-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/logs", withIntermediateDirectories: true)
    }

    /// Starts a cluster, runs `body` with it and stops it, also when starting or `body` fails.
    static func with(
        amqpURL: String? = nil, extraDisks: Int = 0, environment: [String: String] = [:],
        metadataArguments: [String] = [], osdArguments: [String] = [], _ body: (TestCluster) async throws -> Void
    ) async throws {
        let cluster = try TestCluster()
        cluster.metadataArguments = metadataArguments
        cluster.osdArguments = osdArguments
        cluster.amqpURL = amqpURL
        cluster.extraDisks = extraDisks
        cluster.environment = environment
        do {
            try await cluster.start()
            try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// Creates the database, starts every process and waits until all are healthy.
    func start() async throws {
        try await withPostgres { client in
            try await client.query(
                "CREATE DATABASE \(unescaped: self.database) TEMPLATE template0 ENCODING 'UTF8'", logger: Self.logger)
        }
        metadataPort = try Self.freePort()
        gatewayPort = try Self.freePort()
        gatewayMetricsPort = try Self.freePort()
        var hosts: [[String: Any]] = []
        for h in 1...3 {
            let osd = OSD(
                id: "osd\(h)", port: try Self.freePort(),
                disks: (1...(2 + extraDisks)).map { "\(root)/osd\(h)/d\($0)" },
                process: nil)
            osds.append(osd)
            hosts.append([
                "id": osd.id, "endpoint": "http://127.0.0.1:\(osd.port)", "disks": ["osd\(h)-d1", "osd\(h)-d2"],
            ])
        }
        let topology: [String: Any] = [
            "hosts": hosts,
            "pools": [
                ["id": "default", "k": 4, "m": 2, "default": true, "disks": hosts.flatMap { $0["disks"] as! [String] }]
            ],
        ]
        try clusterKey.write(toFile: clusterKeyPath, atomically: true, encoding: .utf8)
        let adminKeysPath = root + "/admin-keys"
        try "KSAN_ADMIN_ACCESS_KEY=\(accessKey)\nKSAN_ADMIN_SECRET_KEY=\(secretKey)\n".write(
            toFile: adminKeysPath, atomically: true, encoding: .utf8)
        let topologyPath = root + "/topology.json"
        try JSONSerialization.data(withJSONObject: topology).write(to: URL(fileURLWithPath: topologyPath))
        metadata = try launch(
            "ksan-metadata", log: "metadata",
            [
                "--listen", "127.0.0.1:\(metadataPort)", "--postgres-url", postgresURL, "--topology", topologyPath,
                "--admin-keys-file", adminKeysPath, "--cluster-key-file", clusterKeyPath,
            ] + (amqpURL.map { ["--amqp-url", $0] } ?? []) + metadataArguments)
        try await waitHealthy(metadata, log: "metadata", port: metadataPort)
        for i in osds.indices { try await startOSD(i) }
        try await startGateway()
        try await startWorker()
    }

    /// Starts the worker (garbage collection and repair, in quick passes) and waits until it is healthy.
    func startWorker() async throws {
        if workerPort == 0 { workerPort = try Self.freePort() }
        worker = try launch(
            "ksan-worker", log: "worker",
            [
                "--listen", "127.0.0.1:\(workerPort)", "--metadata-url", "http://127.0.0.1:\(metadataPort)",
                "--repair-interval", "1", "--gc-interval", "1", "--gc-grace", "3", "--metadata-timeout", "3",
                "--rebuild-interval", "1", "--rebuild-after", "5", "--rebalance-interval", "1", "--cluster-key-file",
                clusterKeyPath,
            ] + (amqpURL.map { ["--amqp-url", $0] } ?? []))
        try await waitHealthy(worker, log: "worker", port: workerPort)
    }

    /// Starts the gateway and waits until it is healthy.
    func startGateway() async throws {
        gateway = try launch(
            "ksan-gateway", log: "gateway",
            [
                "--listen", "127.0.0.1:\(gatewayPort)", "--metadata-url", "http://127.0.0.1:\(metadataPort)",
                "--metadata-timeout", "3", "--cluster-key-file", clusterKeyPath, "--metrics-listen",
                "127.0.0.1:\(gatewayMetricsPort)",
            ] + (amqpURL.map { ["--amqp-url", $0] } ?? []))
        try await waitHealthy(gateway, log: "gateway", port: gatewayPort)
    }

    /// Kills the gateway with SIGKILL, as a crash would.
    func killGateway() {
        guard let process = gateway else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        gateway = nil
    }

    func startOSD(_ index: Int) async throws {
        let osd = osds[index]
        var arguments = [
            "--listen", "127.0.0.1:\(osd.port)", "--host-id", osd.id, "--metadata-url",
            "http://127.0.0.1:\(metadataPort)", "--scrub-interval", "2", "--cluster-key-file", clusterKeyPath,
        ]
        for (d, path) in osd.disks.enumerated() { arguments += ["--disk", "\(osd.id)-d\(d + 1)=\(path)"] }
        if let amqpURL { arguments += ["--amqp-url", amqpURL] }
        osds[index].process = try launch("ksan-osd", log: osd.id, arguments + osdArguments)
        try await waitHealthy(osds[index].process, log: osd.id, port: osd.port)
    }

    /// Starts the portal over the cluster's database, with ``apiKey`` as its bootstrap key.
    func startPortal() async throws {
        portalPort = try Self.freePort()
        let keyPath = root + "/api-key"
        try apiKey.text.write(toFile: keyPath, atomically: true, encoding: .utf8)
        portal = try launch(
            "ksan-portal", log: "portal",
            [
                "--listen", "127.0.0.1:\(portalPort)", "--postgres-url", postgresURL, "--api-key-file", keyPath,
                "--cluster-key-file", clusterKeyPath, "--metadata-url", "http://127.0.0.1:\(metadataPort)",
            ]
                + (amqpURL.map { ["--amqp-url", $0] } ?? []))
        try await waitHealthy(portal, log: "portal", port: portalPort, path: "/api/v1/health")
    }

    func killOSD(_ index: Int) {
        guard let process = osds[index].process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        osds[index].process = nil
    }

    /// Stops every process and drops the database.
    func stop() async {
        for process in [portal, worker, gateway] + osds.map(\.process) + [metadata] {
            guard let process, process.isRunning else { continue }
            process.terminate()
            process.waitUntilExit()
        }
        try? await withPostgres { client in
            try await client.query(
                "DROP DATABASE IF EXISTS \(unescaped: self.database) WITH (FORCE)", logger: Self.logger)
        }
        try? await http.shutdown()
        if ProcessInfo.processInfo.environment["KSAN_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// Every shard file under every disk of every OSD.
    func shardFiles() -> [String] {
        osds.flatMap(\.disks).flatMap { disk -> [String] in
            guard let walker = FileManager.default.enumerator(atPath: disk + "/shards") else { return [] }
            return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".shard") }.map { disk + "/shards/" + $0 }
        }
    }

    // MARK: S3 requests

    struct Reply {
        var status: UInt
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// A SigV4-signed request to the gateway.
    func s3(
        _ method: String, _ path: String, query: String = "", body: ByteBuffer? = nil,
        headers extra: [(String, String)] = [], payloadHash: String = SigV4.unsignedPayload, as user: SigV4Signer? = nil
    )
        async throws -> Reply
    {
        let host = gatewayHost
        let signed = (user ?? signer).sign(
            method: method, rawPath: path, rawQuery: query,
            headers: [("host", host)] + extra.map { ($0.0.lowercased(), $0.1) }, payloadHash: payloadHash)
        return try await send(method, path, query: query, body: body, headers: extra + signed)
    }

    /// A request to the gateway with exactly these headers (plus Host and Content-Length): the caller signs it.
    func send(
        _ method: String, _ path: String, query: String = "", body: ByteBuffer? = nil, headers: [(String, String)]
    )
        async throws -> Reply
    {
        var request = HTTPClientRequest(
            url: "http://127.0.0.1:\(gatewayPort)\(path)\(query.isEmpty ? "" : "?" + query)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 512 << 20)
        return Reply(status: response.status.code, headers: response.headers, body: bytes)
    }

    /// Creates another user with an access key, directly in the cluster's database; returns its signer.
    func addUser(id: String, accessKey: String, secretKey: String) async throws -> SigV4Signer {
        try await withPostgres(database: database) { client in
            try await client.query("INSERT INTO users (id, display_name) VALUES (\(id), \(id))")
            try await client.query(
                "INSERT INTO access_keys (access_key_id, secret_key, user_id) VALUES (\(accessKey), \(secretKey), \(id))"
            )
        }
        return SigV4Signer(accessKeyId: accessKey, secretKey: secretKey, region: "us-east-1")
    }

    /// A client of the cluster's metadata service, signing with the cluster key.
    var metadataClient: MetadataClient {
        MetadataClient(
            baseURL: "http://127.0.0.1:\(metadataPort)", httpClient: http, clusterKey: ClusterKey(secret: clusterKey))
    }

    /// The shard files under one disk directory.
    func shardFiles(onDisk disk: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: disk + "/shards") else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".shard") }.map { disk + "/shards/" + $0 }
    }

    /// The number of rows of a table of the cluster's database.
    func rowCount(_ table: String) async throws -> Int {
        let count = Counter()
        try await withPostgres(database: database) { client in
            for try await value in try await client.query("SELECT count(*) FROM \(unescaped: table)").decode(Int.self) {
                count.value = value
            }
        }
        return count.value
    }

    final class Counter: @unchecked Sendable { var value = -1 }

    /// A signer with the cluster's admin key.
    var signer: SigV4Signer { SigV4Signer(accessKeyId: accessKey, secretKey: secretKey, region: "us-east-1") }

    /// The Host header requests to the gateway carry.
    var gatewayHost: String { "127.0.0.1:\(gatewayPort)" }

    // MARK: Plumbing

    static var logger: Logger {
        var logger = Logger(label: "ksan-it")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with a client of the server's own database, or of `database` when given.
    func withPostgres(database: String? = nil, _ body: @escaping @Sendable (PostgresClient) async throws -> Void)
        async throws
    {
        var configuration = postgres
        if let database { configuration.database = database }
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // Also when `body` throws: the group waits for `run()`, which ends only when cancelled.
            defer { group.cancelAll() }
            try await body(client)
        }
    }

    func launch(_ executable: String, log: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin + "/" + executable)
        // KSAN_IT_LOG_LEVEL (e.g. debug) to see more of what the processes do when a test fails.
        let level = ProcessInfo.processInfo.environment["KSAN_IT_LOG_LEVEL"] ?? "warning"
        process.arguments = arguments + ["--log-level", level]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let logPath = root + "/logs/\(log).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Waits until `process` answers 200 on `path`, failing at once (with the end of its log) if it exits first.
    func waitHealthy(_ process: Process?, log: String, port: Int, path: String = "/_ksan/health") async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let process, !process.isRunning {
                throw SetupError(
                    "\(log) (port \(port)) exited with status \(process.terminationStatus) before it answered:\n"
                        + logTail(log))
            }
            if let response = try? await http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SetupError("\(log) (port \(port)) did not answer \(path) within 120 s:\n" + logTail(log))
    }

    /// The last lines of a process's log, for a failure's message (the scratch directory may not outlive the run).
    func logTail(_ log: String, lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: root + "/logs/\(log).log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// A port for a process of the cluster (see ``TestPorts``: two parallel tests never get the same one).
    static func freePort() throws -> Int { try TestPorts.reserve() }
}

struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
