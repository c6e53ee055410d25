import ArgumentParser
import Foundation
import Hummingbird
import KSANBus
import KSANCore
import KSANMetadata
import Logging

/// `ksan-metadata`: the metadata service of KSAN (buckets, objects, uploads, placement, garbage) over PostgreSQL.
@main
struct KSANMetadataCommand: ConfiguredCommand {
    static let configSection = "metadata"

    static let configuration = CommandConfiguration(
        commandName: "ksan-metadata",
        abstract: "Serves KSAN metadata (buckets, objects, multipart uploads, placement) from PostgreSQL over HTTP."
    )

    @Option(help: "The address to listen on, host:port.")
    var listen = "127.0.0.1:9300"

    @Option(name: .customLong("postgres-url"), help: "postgres://user[:password]@host:port/database[?sslmode=...]")
    var postgresURL = "postgres://postgres@127.0.0.1:5432/ksan"

    @Option(help: "A topology JSON file to load at start (hosts, disks, pools).")
    var topology: String?

    @Option(help: "The bootstrap administrator's access key id (default: $KSAN_ADMIN_ACCESS_KEY).")
    var adminAccessKey: String?

    @Option(
        help: """
            The bootstrap administrator's secret key (default: $KSAN_ADMIN_SECRET_KEY). Visible to every local user \
            on the command line: prefer --admin-keys-file or the environment.
            """)
    var adminSecretKey: String?

    @Option(help: "The bootstrap administrator's display name.")
    var adminDisplayName = "admin"

    @Option(help: "A file holding the cluster key that signs internal API calls (default: $KSAN_CLUSTER_KEY).")
    var clusterKeyFile: String?

    @Flag(
        help: "Start without a cluster key, the internal API open to anyone who can reach it (private networks only).")
    var allowOpenAPI = false

    @Option(
        help: """
            A file with the bootstrap administrator's keys: lines KSAN_ADMIN_ACCESS_KEY=... and \
            KSAN_ADMIN_SECRET_KEY=... (keeps the secret off the command line).
            """)
    var adminKeysFile: String?

    @Option(
        name: .customLong("amqp-url"),
        help:
            "The RabbitMQ broker of the cluster's events, amqp://user:password@host:port/vhost (default: $KSAN_AMQP_URL)."
    )
    var amqpURL: String?

    @Option(
        help: """
            Seconds an OSD may send no heartbeat before its host is marked Offline: no new shards go to it, reads \
            ask it last, and after a while its shards are rebuilt elsewhere (heartbeats need --amqp-url).
            """)
    var osdTimeout: Double = 30

    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        _ = try Self.parse(listen: listen)
        do {
            _ = try MetadataServiceConfiguration.Postgres(url: postgresURL)
        } catch let error as MetadataError {
            throw ValidationError("--postgres-url: \(error.message)")
        }
        guard osdTimeout >= 1, osdTimeout <= 86_400 else { throw ValidationError("--osd-timeout must be 1...86400") }
        if let amqpURL {
            do { _ = try RabbitMQConfiguration(url: amqpURL) } catch {
                throw ValidationError("--amqp-url: \(error)")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LiveLogLevel.bootstrap(level)
        let logger = Logger(label: "ksan-metadata")
        let environment = ProcessInfo.processInfo.environment
        let (host, port) = try Self.parse(listen: listen)
        var fileKeys: [String: String] = [:]
        if let adminKeysFile {
            guard let text = try? String(contentsOfFile: adminKeysFile, encoding: .utf8) else {
                throw ValidationError("cannot read --admin-keys-file \(adminKeysFile)")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2 {
                    fileKeys[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(
                        in: .whitespaces)
                }
            }
        }
        var options = MetadataServiceConfiguration.Options()
        options.osdTimeout = osdTimeout
        var configuration = MetadataServiceConfiguration(
            listenHost: host,
            listenPort: port,
            postgres: try MetadataServiceConfiguration.Postgres(url: postgresURL),
            topologyFile: topology,
            adminAccessKey: adminAccessKey ?? fileKeys["KSAN_ADMIN_ACCESS_KEY"] ?? environment["KSAN_ADMIN_ACCESS_KEY"],
            adminSecretKey: adminSecretKey ?? fileKeys["KSAN_ADMIN_SECRET_KEY"] ?? environment["KSAN_ADMIN_SECRET_KEY"],
            adminDisplayName: adminDisplayName,
            clusterKey: try ClusterKey.load(file: clusterKeyFile, environment: environment),
            allowOpenAPI: allowOpenAPI,
            bus: try (amqpURL ?? environment["KSAN_AMQP_URL"]).map { try RabbitMQConfiguration(url: $0) }
        )
        configuration.options = options
        let app = try await buildMetadataApplication(configuration: configuration, logger: logger)
        try await ProcessLifecycle.run([app], logger: logger)
    }

    /// Splits `host:port` (or `[v6]:port`).
    static func parse(listen: String) throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("--listen must be host:port, for example 127.0.0.1:9300")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen must name a host, for example 127.0.0.1:9300") }
        return (host, port)
    }
}
