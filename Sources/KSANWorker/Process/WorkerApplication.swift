import AsyncHTTPClient
import Hummingbird
import KSANBus
import KSANCore
import KSANData
import KSANMetadata
import KSANStorage
import Logging
import NIOCore

/// Builds the `ksan-worker` process: the background workers (garbage collection, repair, rebuild) over the metadata service
/// and the OSDs, each a ``WorkerService``, and a small HTTP port of its own for `GET /_ksan/health` and
/// `GET /metrics`. With a bus, it sends heartbeats (kind `worker`) and applies live settings (`repair-rate`).
///
/// Several workers may run against one cluster: they take work with leases, so each item is done by one of them,
/// and what a killed worker held returns to the others when its lease ends.
public func buildWorkerApplication(configuration: WorkerConfiguration, logger: Logger) -> some ApplicationProtocol {
    let httpClient = ClusterClients.httpClient()
    let metadata = ClusterClients.metadata(
        url: configuration.metadataURL, timeout: configuration.metadataTimeout,
        clusterKey: configuration.clusterKey, httpClient: httpClient)
    return buildWorkerApplication(
        configuration: configuration, metadata: metadata, httpClient: httpClient, logger: logger)
}

/// Builds the worker over a given metadata store.
public func buildWorkerApplication(
    configuration: WorkerConfiguration, metadata: any MetadataStore, httpClient: HTTPClient, logger: Logger
) -> some ApplicationProtocol {
    MetricsExporter.bootstrap()
    LiveSettings.repairRate.value = configuration.repairRate
    LiveSettings.rebuildRate.value = configuration.rebuildRate
    LiveSettings.rebalanceRate.value = configuration.rebalanceRate
    let data = DataPlane(
        metadata: metadata, osd: OSDClient(httpClient: httpClient, clusterKey: configuration.clusterKey),
        topology: TopologyCache(metadata: metadata), options: .init(), logger: logger)
    let router = Router()
    router.get("/_ksan/health") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"service":"worker","status":"ok"}"#)))
    }
    router.get("/metrics") { _, _ in MetricsExporter.response() }
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "ksan-worker"),
        logger: logger)
    // Services stop in reverse order: the shared HTTP client first in the list, so it stops last.
    app.addServices(
        HTTPClientService(client: httpClient),
        WorkerService(
            GarbageCollection(
                metadata: metadata, data: data, intentAge: configuration.intentAge, grace: configuration.gcGrace,
                logger: logger),
            idleInterval: .seconds(configuration.gcInterval), logger: logger),
        WorkerService(
            Repair(
                metadata: metadata, data: data, dropAfter: Repair.forgetAfter,
                bytesPerSecond: { Int64(LiveSettings.repairRate.value) << 20 }, logger: logger),
            idleInterval: .seconds(configuration.repairInterval), logger: logger),
        WorkerService(
            Rebuild(
                metadata: metadata, data: data, rebuildAfter: configuration.rebuildAfter,
                parallel: configuration.rebuildParallel,
                bytesPerSecond: { Int64(LiveSettings.rebuildRate.value) << 20 }, logger: logger),
            idleInterval: .seconds(configuration.rebuildInterval), logger: logger),
        WorkerService(
            Rebalance(
                metadata: metadata, data: data, parallel: configuration.rebuildParallel,
                bytesPerSecond: { Int64(LiveSettings.rebalanceRate.value) << 20 }, logger: logger),
            idleInterval: .seconds(configuration.rebalanceInterval), logger: logger))
    if let busConfiguration = configuration.bus {
        let bus = RabbitMQBus(configuration: busConfiguration, logger: logger)
        app.addServices(
            bus,
            ConfigListener(
                bus: bus, kind: .worker, logger: logger, fetch: { try await metadata.serviceSettings(kind: .worker) }),
            HeartbeatPublisher(
                bus: bus,
                identity: .init(
                    kind: .worker,
                    endpoint: HeartbeatPublisher.Identity.endpoint(
                        host: configuration.listen.host, port: configuration.listen.port)),
                logger: logger))
    }
    return app
}
