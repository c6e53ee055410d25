import AsyncHTTPClient
import Hummingbird
import KSANBus
import KSANCore
import KSANData
import KSANMetadata
import KSANStorage
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the gateway's HTTP application: the S3 responder over a metadata client and an OSD client. Background
/// work (garbage collection, repair) is `ksan-worker`'s. The `ksan-gateway` executable and the tests both call this.
public func buildGatewayApplication(configuration: GatewayConfiguration, logger: Logger) -> some ApplicationProtocol {
    let httpClient = ClusterClients.httpClient()
    let metadata = ClusterClients.metadata(
        url: configuration.metadataURL, timeout: configuration.metadataTimeout,
        clusterKey: configuration.clusterKey, httpClient: httpClient)
    return buildGatewayApplication(
        configuration: configuration, metadata: metadata, httpClient: httpClient, logger: logger)
}

/// Builds the gateway over a given metadata store (tests may pass the PostgreSQL store directly).
public func buildGatewayApplication(
    configuration: GatewayConfiguration, metadata: any MetadataStore, httpClient: HTTPClient, logger: Logger
) -> some ApplicationProtocol {
    MetricsExporter.bootstrap()
    let topology = TopologyCache(metadata: metadata)
    var options = configuration.dataPlane
    // A write marks its intent alive well before garbage collection would judge it abandoned.
    options.intentRefresh = min(options.intentRefresh, .milliseconds(Int64(configuration.intentAge * 1000 / 4)))
    // With heartbeats, write intents name this process, so that its orphans are collected once it restarts.
    let identity = HeartbeatPublisher.Identity(
        kind: .gateway,
        endpoint: HeartbeatPublisher.Identity.endpoint(host: configuration.listen.host, port: configuration.listen.port)
    )
    if configuration.bus != nil { options.writer = IntentWriter(id: identity.id, startedAt: identity.startedAt) }
    let data = DataPlane(
        metadata: metadata, osd: OSDClient(httpClient: httpClient, clusterKey: configuration.clusterKey),
        topology: topology,
        options: options, logger: logger)
    let gateway = S3Gateway(metadata: metadata, data: data, configuration: configuration)
    let responder = S3Responder(gateway: gateway, domains: configuration.domains, logger: logger)
    var app = Application(
        responder: responder,
        server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
        configuration: .init(
            address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "KSAN"),
        logger: logger)
    // Services stop in reverse order: the shared HTTP client first in the list, so it stops last.
    app.addServices(
        HTTPClientService(client: httpClient))
    if let listen = configuration.metricsListen {
        app.addServices(metricsApplication(listen: listen, serverName: "KSAN", logger: logger))
    }
    if let busConfiguration = configuration.bus {
        let bus = RabbitMQBus(configuration: busConfiguration, logger: logger)
        app.addServices(
            bus, ControlListener(bus: bus, topology: topology, keys: gateway.keys, logger: logger),
            ConfigListener(
                bus: bus, kind: .gateway,
                logger: logger, fetch: { try await metadata.serviceSettings(kind: .gateway) }),
            HeartbeatPublisher(bus: bus, identity: identity, logger: logger))
    }
    return app
}
