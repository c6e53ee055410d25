import Hummingbird
import KSANBus
import KSANCore
import Logging

/// Builds the OSD's HTTP application: opens every disk and serves ``OSDProtocol``, with a ``Scrubber`` service
/// that passes every `configuration.scrubInterval` (none while it is nil), or as the live settings say since
/// (``LiveSettings/scrubInterval``, ``LiveSettings/scrubRate``).
///
/// The `ksan-osd` executable and the tests both call this.
/// - Parameter catalog: metadata's view of the disks, against which the scrubber checks them and to which it reports
///   damage; nil: the scrub only finds bit rot, and only logs it.
public func buildOSDApplication(
    configuration: OSDConfiguration, logger: Logger, catalog: (any ShardCatalog)? = nil,
    settings: (@Sendable () async throws -> ServiceSettings?)? = nil
) throws -> some ApplicationProtocol {
    MetricsExporter.bootstrap()
    let stores = try configuration.disks.map {
        var store = try DiskStore(id: $0.id, root: $0.path)
        store.reserve = configuration.diskReserve
        return store
    }
    let fullness = DiskFullness()
    let router = Router()
    if let key = configuration.clusterKey {
        router.add(middleware: ClusterKeyMiddleware(key: key, maxBodySize: OSDProtocol.maxShardBytes))
    } else if configuration.allowOpenAPI {
        logger.warning("no cluster key: the OSD API is open to anyone who can reach it")
    } else {
        throw StorageError(
            .invalidAddress,
            "no cluster key: give one (--cluster-key-file or KSAN_CLUSTER_KEY), or allow an open API explicitly "
                + "(--allow-open-api) on a network nobody else can reach")
    }
    let errors = DiskErrors(
        disks: stores.map(\.id),
        budget: DiskErrorBudget(
            window: configuration.diskErrorWindow, weakAfter: configuration.diskWeakErrors,
            badAfter: configuration.diskBadErrors),
        logger: logger)
    OSDRoutes(hostId: configuration.hostId, disks: stores, errors: errors).add(to: router)
    logger.info(
        "OSD ready",
        metadata: ["ksan.host": "\(configuration.hostId)", "ksan.disks": "\(stores.map(\.id))"])
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listen.host, port: configuration.listen.port),
            serverName: "ksan-osd"),
        logger: logger
    )
    // The scrub's interval and rate start from the configuration and follow the live settings pushed since.
    LiveSettings.scrubInterval.value =
        configuration.scrubInterval.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        ?? 0
    LiveSettings.scrubRate.value = max(configuration.scrubRate >> 20, 1)
    app.addServices(
        Scrubber(
            stores: stores,
            interval: {
                let seconds = LiveSettings.scrubInterval.value
                return seconds > 0 ? .seconds(seconds) : nil
            },
            rate: { LiveSettings.scrubRate.value << 20 }, catalog: catalog, orphanAge: configuration.orphanAge,
            logger: logger, errors: errors))
    if let busConfiguration = configuration.bus {
        let bus = RabbitMQBus(configuration: busConfiguration, logger: logger)
        app.addServices(
            bus,
            ConfigListener(
                bus: bus, kind: .osd, logger: logger,
                fetch: settings ?? { nil }),
            HeartbeatPublisher(
                bus: bus,
                identity: .init(
                    kind: .osd,
                    endpoint: HeartbeatPublisher.Identity.endpoint(
                        host: configuration.listen.host, port: configuration.listen.port),
                    serverId: configuration.hostId),
                logger: logger,
                disks: {
                    let health = errors.health()
                    return stores.compactMap { store in
                        guard let space = DiskSpace(path: store.root) else { return nil }
                        var usage = space.usage(id: store.id)
                        if let (count, verdict) = health[store.id], count > 0 {
                            usage.errors = count
                            usage.health = verdict
                        }
                        let full = fullness.update(
                            store.id, availableBytes: space.availableBytes,
                            reserveBytes: store.reserve.bytes(ofCapacity: space.capacityBytes))
                        if full { usage.full = true }
                        return usage
                    }
                }))
    }
    return app
}
