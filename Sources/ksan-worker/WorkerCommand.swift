import ArgumentParser
import Foundation
import KSANBus
import KSANCore
import KSANWorker
import Logging

/// `ksan-worker`: the cluster's background work (garbage collection, repair).
@main
struct WorkerCommand: ConfiguredCommand {
    static let configSection = "worker"

    static let configuration = CommandConfiguration(
        commandName: "ksan-worker",
        abstract: "Run the cluster's background work: garbage collection, repair and rebuild of shards.",
        discussion: """
            Several workers may run against one cluster: they take work with leases, so that each item is done \
            once, and what a killed worker held returns to the others when its lease ends (10 minutes).
            """)

    @Option(help: "Address (host:port) of the worker's own port: GET /_ksan/health and GET /metrics.")
    var listen: String = "127.0.0.1:9500"

    @Option(help: "Base URL of the metadata service.")
    var metadataURL: String = "http://127.0.0.1:9300"

    @Option(help: "Seconds one metadata call may take before the worker gives up on it.")
    var metadataTimeout: Double = 30

    @Option(help: "Seconds between repair passes (rewriting missing or corrupt shards of committed data).")
    var repairInterval: Double = 10

    @Option(help: "MB per second of shards repair reads and writes at most (0: no limit); also a live setting.")
    var repairRate: Int = 0

    @Option(help: "Seconds between garbage-collection passes.")
    var gcInterval: Double = 10

    @Option(
        help: """
            Seconds the data of an overwritten or deleted version is kept before garbage collection deletes it, so \
            that reads and copies that started on it finish (longer than any read may take).
            """)
    var gcGrace: Double = 7200

    @Option(
        help: """
            Seconds after which a write intent not marked alive by its writer is taken for abandoned (the same as \
            the gateways' --intent-age).
            """)
    var intentAge: Double = 6 * 3600

    @Option(
        help: """
            Seconds a host stays Offline before its shards are rebuilt on other hosts (the shards of Bad and \
            Disabled disks move at once).
            """)
    var rebuildAfter: Double = 600

    @Option(help: "Seconds between rebuild passes that found nothing to move.")
    var rebuildInterval: Double = 10

    @Option(
        help: "MB per second of shards rebuild and drain read and write at most (0: no limit); also a live setting.")
    var rebuildRate: Int = 0

    @Option(
        help: "MB per second of shards a pool rebalance reads and writes at most (0: no limit); also a live setting.")
    var rebalanceRate: Int = 64

    @Option(help: "Seconds between rebalance passes that found no pool to rebalance.")
    var rebalanceInterval: Double = 10

    @Option(help: "Data a rebuild or drain relocates at once (each with its stripes' reads and writes in parallel).")
    var rebuildParallel: Int = 4

    @Option(help: "A file holding the cluster key that signs internal API calls (default: $KSAN_CLUSTER_KEY).")
    var clusterKeyFile: String?

    @Option(
        name: .customLong("amqp-url"),
        help: """
            The RabbitMQ broker that receives this worker's heartbeats and sends it live settings \
            (amqp://user:password@host:port/vhost; default: $KSAN_AMQP_URL).
            """)
    var amqpURL: String?

    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard HostPort(listen) != nil else { throw ValidationError("--listen must be host:port") }
        guard metadataURL.hasPrefix("http://") || metadataURL.hasPrefix("https://") else {
            throw ValidationError("--metadata-url must be an http(s) URL")
        }
        guard (0...100_000).contains(repairRate), (0...100_000).contains(rebuildRate),
            (0...100_000).contains(rebalanceRate)
        else {
            throw ValidationError("--repair-rate, --rebuild-rate and --rebalance-rate must be 0...100000")
        }
        guard rebuildAfter >= 0, rebuildInterval > 0 else {
            throw ValidationError("--rebuild-after must be 0 or more, --rebuild-interval positive")
        }
        guard repairInterval > 0, gcInterval > 0, metadataTimeout > 0 else {
            throw ValidationError("--repair-interval, --gc-interval and --metadata-timeout must be positive")
        }
        guard (1...64).contains(rebuildParallel) else { throw ValidationError("--rebuild-parallel must be 1 to 64") }
        guard gcGrace >= 0, intentAge >= 60 else {
            throw ValidationError("--gc-grace must be 0 or more, --intent-age at least 60")
        }
    }

    func run() async throws {
        LiveLogLevel.bootstrap(Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "ksan-worker")
        var configuration = WorkerConfiguration(
            listen: HostPort(listen)!, metadataURL: metadataURL,
            metadataTimeout: .milliseconds(Int64(metadataTimeout * 1000)), gcInterval: gcInterval, gcGrace: gcGrace,
            intentAge: intentAge, repairInterval: repairInterval, repairRate: repairRate,
            clusterKey: try ClusterKey.load(file: clusterKeyFile),
            bus: try (amqpURL ?? ProcessInfo.processInfo.environment["KSAN_AMQP_URL"]).map {
                try RabbitMQConfiguration(url: $0)
            })
        configuration.rebuildAfter = rebuildAfter
        configuration.rebuildInterval = rebuildInterval
        configuration.rebuildRate = rebuildRate
        configuration.rebuildParallel = rebuildParallel
        configuration.rebalanceRate = rebalanceRate
        configuration.rebalanceInterval = rebalanceInterval
        logger.info(
            "worker starting",
            metadata: [
                "ksan.listen": "\(listen)", "ksan.metadata": "\(metadataURL)", "ksan.gc_grace": "\(gcGrace)",
                "ksan.repair_rate": "\(repairRate)",
            ])
        let app = buildWorkerApplication(configuration: configuration, logger: logger)
        try await ProcessLifecycle.run([app], logger: logger)
    }
}
