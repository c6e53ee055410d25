import ArgumentParser
import Foundation
import Hummingbird
import KSANBus
import KSANCore
import KSANData
import KSANS3
import Logging

/// `ksan-gateway`: the stateless S3 API.
@main
struct GatewayCommand: ConfiguredCommand {
    static let configSection = "gateway"

    static let configuration = CommandConfiguration(
        commandName: "ksan-gateway", abstract: "Serve the S3 API over the cluster's metadata service and OSDs.")

    @Option(help: "Address to listen on (host:port).")
    var listen: String = "127.0.0.1:9000"

    @Option(help: "Base URL of the metadata service.")
    var metadataURL: String = "http://127.0.0.1:9300"

    @Option(help: "Seconds one metadata call may take before the gateway gives up on it.")
    var metadataTimeout: Double = 30

    @Option(help: "The region this gateway serves.")
    var region: String = "us-east-1"

    @Option(help: "A domain for virtual-hosted-style requests, bucket.<domain> (repeat for several).")
    var domain: [String] = []

    @Option(help: "Bytes per shard block of a full stripe.")
    var blockSize: Int = 1024 * 1024

    @Option(help: "Objects up to this many bytes are stored inline in metadata.")
    var inlineThreshold: Int = 64 * 1024

    @Option(
        help: """
            Seconds after which garbage collection takes a write intent not marked alive for abandoned (the \
            workers' --intent-age): writes mark theirs alive every quarter of it.
            """)
    var intentAge: Double = 6 * 3600

    @Option(
        name: .customLong("sigv2-max-expiry"),
        help: "Longest lifetime, in seconds, of a Signature Version 2 presigned URL (0: no cap, as in AWS).")
    var sigV2MaxExpiry: Int = 604_800

    @Option(help: "POST Object forms read at once before their signature is checked (more: 503 SlowDown).")
    var maxUnauthenticatedForms: Int = 64

    @Option(help: "A file holding the cluster key that signs internal API calls (default: $KSAN_CLUSTER_KEY).")
    var clusterKeyFile: String?

    @Option(
        name: .customLong("amqp-url"),
        help: """
            The RabbitMQ broker whose topology and key changes reach this gateway at once \
            (amqp://user:password@host:port/vhost; default: $KSAN_AMQP_URL). Without it, caches expire in 10 s.
            """)
    var amqpURL: String?

    @Option(help: "Address (host:port) of a port of its own that serves GET /metrics (Prometheus); none by default.")
    var metricsListen: String?

    @OptionGroup var configFile: ConfigFileOption

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func validate() throws {
        guard HostPort(listen) != nil else { throw ValidationError("--listen must be host:port") }
        if let metricsListen, HostPort(metricsListen) == nil {
            throw ValidationError("--metrics-listen must be host:port")
        }
        guard metadataURL.hasPrefix("http://") || metadataURL.hasPrefix("https://") else {
            throw ValidationError("--metadata-url must be an http(s) URL")
        }
        guard (4096...(16 << 20)).contains(blockSize) else {
            throw ValidationError("--block-size must be 4 KiB...16 MiB")
        }
        guard (0...(1 << 20)).contains(inlineThreshold) else {
            throw ValidationError("--inline-threshold must be 0...1 MiB")
        }
        guard metadataTimeout > 0, intentAge >= 60, sigV2MaxExpiry >= 0, maxUnauthenticatedForms >= 1 else {
            throw ValidationError(
                "--metadata-timeout must be positive, --sigv2-max-expiry 0 or more, --intent-age at least 60, "
                    + "--max-unauthenticated-forms at least 1")
        }
    }

    func run() async throws {
        LiveLogLevel.bootstrap(Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "ksan-gateway")
        var options = DataPlane.Options()
        options.blockSize = blockSize
        options.inlineThreshold = inlineThreshold
        let configuration = GatewayConfiguration(
            listen: HostPort(listen)!, metadataURL: metadataURL,
            metadataTimeout: .milliseconds(Int64(metadataTimeout * 1000)), region: region, domains: domain,
            dataPlane: options, intentAge: intentAge,
            clusterKey: try ClusterKey.load(file: clusterKeyFile),
            sigV2MaxExpiry: sigV2MaxExpiry > 0 ? sigV2MaxExpiry : nil,
            maxUnauthenticatedForms: maxUnauthenticatedForms,
            bus: try (amqpURL ?? ProcessInfo.processInfo.environment["KSAN_AMQP_URL"]).map {
                try RabbitMQConfiguration(url: $0)
            },
            metricsListen: metricsListen.flatMap { HostPort($0) })
        let app = buildGatewayApplication(configuration: configuration, logger: logger)
        try await ProcessLifecycle.run([app], logger: logger)
    }
}
