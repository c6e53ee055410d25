import Hummingbird
import KSANBus
import KSANCore
import Logging
import PostgresNIO

/// Builds the metadata service: the PostgreSQL client (a service of the application), the store, and the HTTP API.
///
/// Before the server accepts requests, the schema migrations are applied, the topology file (if any) is loaded and
/// the bootstrap administrator's key (if any) is ensured. The topology file is read and validated here, so a bad file
/// fails before anything starts.
///
/// - Parameters:
///   - configuration: The service configuration.
///   - logger: The service's logger.
///   - onServerRunning: Called once the server listens, with its channel (tests read the bound port from it).
/// - Throws: ``MetadataError`` `.invalidTopology` or `.invalidArgument` for a bad configuration.
public func buildMetadataApplication(
    configuration: MetadataServiceConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let topology = try configuration.topologyFile.map { try Topology.load(contentsOf: $0) }
    let admin: (accessKey: String, secretKey: String)?
    switch (configuration.adminAccessKey, configuration.adminSecretKey) {
    case (let key?, let secret?) where !key.isEmpty && !secret.isEmpty:
        admin = (key, secret)
    case (nil, nil):
        admin = nil
    default:
        throw MetadataError(.invalidArgument, "give both the admin access key and the admin secret key, or neither")
    }

    var postgresConfiguration = configuration.postgres.clientConfiguration
    postgresConfiguration.options.maximumConnections = configuration.options.maxDatabaseConnections
    let postgres = PostgresClient(configuration: postgresConfiguration, backgroundLogger: logger)
    let store = PostgresMetadataStore(client: postgres, logger: logger)

    MetricsExporter.bootstrap()
    let router = Router()
    router.add(middleware: MetricsMiddleware())
    if let key = configuration.clusterKey {
        router.add(middleware: ClusterKeyMiddleware(key: key, maxBodySize: configuration.options.maxRequestBodySize))
    } else if configuration.allowOpenAPI {
        logger.warning("no cluster key: the metadata API is open to anyone who can reach it")
    } else {
        throw MetadataError(
            .invalidArgument,
            "no cluster key: give one (--cluster-key-file or KSAN_CLUSTER_KEY), or allow an open API explicitly "
                + "(--allow-open-api) on a network nobody else can reach")
    }
    MetadataRoutes(store: store, maxBodySize: configuration.options.maxRequestBodySize, logger: logger)
        .register(on: router)

    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listenHost, port: configuration.listenPort),
            serverName: "ksan-metadata"
        ),
        onServerRunning: onServerRunning,
        logger: logger
    )
    app.addServices(postgres)
    // The outbox's relay, after the database and the bus it needs (services stop in reverse order).
    let bus: any MessageBus
    if let busConfiguration = configuration.bus {
        let rabbit = RabbitMQBus(configuration: busConfiguration, logger: logger)
        app.addServices(rabbit)
        bus = rabbit
    } else {
        bus = InProcessBus()
    }
    let migrated = ReadinessSignal()
    app.addServices(
        OutboxRelay(store: store, bus: bus, logger: logger, ready: migrated),
        ServiceRegistry(store: store, bus: bus, logger: logger, ready: migrated),
        HostMonitor(store: store, timeout: configuration.options.osdTimeout, logger: logger, ready: migrated),
        ConfigListener(
            bus: bus, kind: .metadata, logger: logger,
            fetch: {
                await migrated.wait()
                return try await store.serviceSettings(kind: .metadata)
            }),
        HeartbeatPublisher(
            bus: bus,
            identity: .init(
                kind: .metadata,
                endpoint: HeartbeatPublisher.Identity.endpoint(
                    host: configuration.listenHost, port: configuration.listenPort)),
            logger: logger))
    app.beforeServerStarts {
        logger.info("Starting metadata service", metadata: ["ksan.configuration": "\(configuration)"])
        let applied: [Int]
        do {
            applied = try await store.migrate()
        } catch {
            logger.critical(
                "schema migration failed: the metadata service stops",
                metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
        if !applied.isEmpty {
            logger.info("Schema migrated", metadata: ["ksan.migrations": "\(applied)"])
        }
        migrated.signal()
        if let topology {
            // The file seeds a new cluster; after that the topology is the portal's (ksanctl), and a restart must
            // not undo what was changed there.
            if try await store.seedTopology(topology) {
                logger.info("Topology seeded from the file", metadata: ["ksan.hosts": "\(topology.hosts.count)"])
            } else {
                logger.info("The cluster has a topology: the file is not loaded again (change it with ksanctl)")
            }
        }
        if let admin {
            let record = try await store.ensureUser(
                accessKeyId: admin.accessKey, secretKey: admin.secretKey,
                displayName: configuration.adminDisplayName
            )
            logger.info(
                "Bootstrap administrator ready",
                metadata: ["ksan.accessKey": "\(record.accessKeyId)", "ksan.user": "\(record.userId)"]
            )
        }
    }
    return app
}
