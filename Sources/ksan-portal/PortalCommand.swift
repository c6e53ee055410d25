import ArgumentParser
import Foundation
import KSANBus
import KSANCore
import KSANMetadata
import KSANPortal
import Logging

/// `ksan-portal`: the control-plane REST API of a KSAN cluster (`/api/v1`), which `ksanctl` uses.
@main
struct PortalCommand: ConfiguredCommand {
    static let configSection = "portal"

    static let configuration = CommandConfiguration(
        commandName: "ksan-portal",
        abstract: "Serves the KSAN control-plane API (/api/v1) over the cluster's database.",
        discussion: """
            The metadata service owns the schema: the portal waits until it has migrated it. Give the bootstrap API \
            key in a file (--api-key-file, one line ksan_<id>_<secret>); make one with `ksan-portal --new-api-key`.
            """)

    @Option(help: "The address to listen on, host:port.")
    var listen = "127.0.0.1:9400"

    @Option(name: .customLong("postgres-url"), help: "postgres://user[:password]@host:port/database[?sslmode=...]")
    var postgresURL = "postgres://postgres@127.0.0.1:5432/ksan"

    @Option(help: "A file holding the bootstrap API key, saved at start if it is not there (default: $KSAN_API_KEY).")
    var apiKeyFile: String?

    @Flag(help: "Print a new random API key and exit (for an installer to write into --api-key-file).")
    var newAPIKey = false

    @Option(
        name: .customLong("amqp-url"),
        help: "The RabbitMQ broker that receives the portal's heartbeats (default: $KSAN_AMQP_URL).")
    var amqpURL: String?

    @Option(
        help: ArgumentHelp(
            "The cluster key, which the portal hands to hosts that join with a join token (default: "
                + "$KSAN_CLUSTER_KEY; without one, hosts cannot join)."))
    var clusterKeyFile: String?

    @Option(
        name: .customLong("metadata-url"),
        help: "The metadata service's URL to hand to joining hosts (default: the first online one's address).")
    var metadataURL: String?

    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard HostPort(listen) != nil else {
            throw ValidationError("--listen must be host:port, for example 127.0.0.1:9400")
        }
    }

    func run() async throws {
        if newAPIKey {
            print(APIKey.generate().text)
            return
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LiveLogLevel.bootstrap(level)
        let logger = Logger(label: "ksan-portal")
        var keyText = ProcessInfo.processInfo.environment["KSAN_API_KEY"]
        if let apiKeyFile {
            guard let text = try? String(contentsOfFile: apiKeyFile, encoding: .utf8) else {
                throw ValidationError("cannot read --api-key-file \(apiKeyFile)")
            }
            keyText = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var bootstrapKey: APIKey?
        if let keyText {
            guard let key = APIKey(keyText) else {
                throw ValidationError("the bootstrap API key is not of the form ksan_<12 characters>_<40 characters>")
            }
            bootstrapKey = key
        }
        guard let address = HostPort(listen) else { throw ValidationError("--listen must be host:port") }
        let postgres: MetadataServiceConfiguration.Postgres
        do {
            postgres = try MetadataServiceConfiguration.Postgres(url: postgresURL)
        } catch let error as MetadataError {
            throw ValidationError("--postgres-url: \(error.message)")
        }
        let clusterKey: String?
        do {
            clusterKey = try ClusterKey.secret(file: clusterKeyFile)
        } catch let error as ClusterKeyError {
            throw ValidationError("\(error)")
        }
        if let metadataURL, !(metadataURL.hasPrefix("http://") || metadataURL.hasPrefix("https://")) {
            throw ValidationError("--metadata-url must start with http:// or https://")
        }
        let amqp = amqpURL ?? ProcessInfo.processInfo.environment["KSAN_AMQP_URL"]
        let app = try await buildPortalApplication(
            configuration: PortalConfiguration(
                listenHost: address.host, listenPort: address.port, postgres: postgres, bootstrapKey: bootstrapKey,
                bus: try amqp.map { try RabbitMQConfiguration(url: $0) },
                join: JoinSettings(clusterKey: clusterKey, metadataURL: metadataURL, amqpURL: amqp)),
            logger: logger)
        try await ProcessLifecycle.run([app], logger: logger)
    }
}
