import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import KSANBus
import KSANCore
import KSANMetadata
import KSANStorage
import Logging

/// `ksan-osd`: serves the disk directories of one host.
@main
struct OSDCommand: ConfiguredCommand {
    static let configSection = "osd"

    static let configuration = CommandConfiguration(
        commandName: "ksan-osd", abstract: "Store erasure-coded shards on this host's disks.")

    @Option(help: "Address to listen on (host:port).")
    var listen: String = "127.0.0.1:9101"

    @Option(help: "This host's id, as in the cluster topology.")
    var hostId: String

    @Option(help: "A disk served by this OSD, as id=/absolute/path (repeat for several).")
    var disk: [String]

    @Option(help: "Base URL of the metadata service, where the scrubber queues data with a corrupt shard for repair.")
    var metadataURL: String?

    @Option(help: "Seconds between scrub passes over every shard (0: no scrubbing).")
    var scrubInterval: Double = 86_400

    @Option(help: "MB per second a scrub pass reads, at most.")
    var scrubRate: Int = 64

    @Option(
        help: """
            Hours after which the scrub deletes shards of data metadata knows nothing of (orphans); 0: only \
            report them.
            """)
    var orphanAge: Double = 24

    @Option(
        help: """
            Distinct failures of a disk (I/O errors, shards failing their checksums) within --disk-error-window \
            that make it Weak; reported with the heartbeats.
            """)
    var diskWeakErrors: Int = 3

    @Option(help: "Distinct failures of a disk within --disk-error-window that make it Bad (no new shards, rebuilt).")
    var diskBadErrors: Int = 10

    @Option(help: "Seconds a failure of a disk counts towards Weak and Bad.")
    var diskErrorWindow: Double = 3600

    @Option(
        help: """
            Free space kept on every disk, as a size (512M, 10G) or a percentage of the disk (2%): a shard write \
            that would leave less is refused, and a disk with less than twice as much is reported full and gets no \
            new shards until it has three times as much.
            """)
    var diskReserve: String = "1%"

    @Option(help: "A file holding the cluster key that signs internal API calls (default: $KSAN_CLUSTER_KEY).")
    var clusterKeyFile: String?

    @Flag(help: "Start without a cluster key, the OSD API open to anyone who can reach it (private networks only).")
    var allowOpenAPI = false

    @Option(
        name: .customLong("amqp-url"),
        help: """
            The RabbitMQ broker that receives this OSD's heartbeats and disk space \
            (amqp://user:password@host:port/vhost; default: $KSAN_AMQP_URL).
            """)
    var amqpURL: String?

    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func validate() throws {
        guard HostPort(listen) != nil else { throw ValidationError("--listen must be host:port") }
        guard !disk.isEmpty else { throw ValidationError("give at least one --disk id=/path") }
        for d in disk where OSDConfiguration.Disk(argument: d) == nil {
            throw ValidationError("--disk \(d): expected id=/absolute/path")
        }
        guard diskWeakErrors >= 1, diskBadErrors >= diskWeakErrors, diskErrorWindow >= 1 else {
            throw ValidationError(
                "--disk-weak-errors must be at least 1, --disk-bad-errors at least it, --disk-error-window at least 1")
        }
        guard DiskReserve(argument: diskReserve) != nil else {
            throw ValidationError("--disk-reserve must be a size (512M, 10G) or a percentage (2%)")
        }
        guard scrubInterval >= 0, scrubRate > 0, orphanAge >= 0 else {
            throw ValidationError("--scrub-interval must be 0 or more, --scrub-rate positive")
        }
        if let metadataURL, !(metadataURL.hasPrefix("http://") || metadataURL.hasPrefix("https://")) {
            throw ValidationError("--metadata-url must be an http(s) URL")
        }
    }

    func run() async throws {
        LiveLogLevel.bootstrap(Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "ksan-osd")
        var configuration = OSDConfiguration(
            listen: HostPort(listen)!, hostId: hostId, disks: disk.compactMap(OSDConfiguration.Disk.init(argument:)),
            scrubInterval: scrubInterval > 0 ? .seconds(scrubInterval) : nil, scrubRate: scrubRate << 20,
            orphanAge: orphanAge > 0 ? .seconds(orphanAge * 3600) : nil,
            clusterKey: try ClusterKey.load(file: clusterKeyFile), allowOpenAPI: allowOpenAPI,
            bus: try (amqpURL ?? ProcessInfo.processInfo.environment["KSAN_AMQP_URL"]).map {
                try RabbitMQConfiguration(url: $0)
            })
        configuration.diskWeakErrors = diskWeakErrors
        configuration.diskBadErrors = diskBadErrors
        configuration.diskErrorWindow = diskErrorWindow
        configuration.diskReserve = DiskReserve(argument: diskReserve)!
        let metadata = metadataURL.map {
            MetadataClient(baseURL: $0, httpClient: HTTPClient.shared, clusterKey: configuration.clusterKey)
        }
        let catalog = metadata.map { MetadataShardCatalog(metadata: $0, logger: logger) }
        if catalog == nil {
            logger.warning("no --metadata-url: the scrub finds bit rot but reports nothing, and checks no placement")
        }
        var settings: (@Sendable () async throws -> ServiceSettings?)?
        if let metadata {
            settings = { try await metadata.serviceSettings(kind: .osd) }
        }
        let app = try buildOSDApplication(
            configuration: configuration, logger: logger, catalog: catalog, settings: settings)
        try await ProcessLifecycle.run([app], logger: logger)
    }
}
