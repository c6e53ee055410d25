import Hummingbird
import KSANBus
import KSANCore
import KSANMetadata
import Logging
import PostgresNIO

/// Builds the portal: a PostgreSQL client (a service of the application), the store, and the `/api/v1` routes
/// behind the API-key check. Before serving it waits for the metadata service to have migrated the schema, and
/// makes sure the bootstrap API key exists.
public func buildPortalApplication(
    configuration: PortalConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var postgresConfiguration = configuration.postgres.clientConfiguration
    postgresConfiguration.options.maximumConnections = 8
    let postgres = PostgresClient(configuration: postgresConfiguration, backgroundLogger: logger)
    let store = PostgresMetadataStore(client: postgres, logger: logger)

    MetricsExporter.bootstrap()
    let router = Router()
    router.add(middleware: MetricsMiddleware())
    router.get("metrics") { _, _ in MetricsExporter.response() }
    router.add(middleware: PortalErrorMiddleware(logger: logger))
    router.add(middleware: APIKeyMiddleware(store: store))
    PortalRoutes(store: store).register(on: router)
    CredentialRoutes(store: store).register(on: router)
    JoinRoutes(store: store, settings: configuration.join, logger: logger).register(on: router)

    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: "ksan-portal"),
        onServerRunning: onServerRunning,
        logger: logger
    )
    app.addServices(postgres)
    if let busConfiguration = configuration.bus {
        let bus = RabbitMQBus(configuration: busConfiguration, logger: logger)
        app.addServices(
            bus,
            ConfigListener(
                bus: bus, kind: .portal,
                logger: logger, fetch: { try await store.serviceSettings(kind: .portal) }),
            HeartbeatPublisher(
                bus: bus,
                identity: .init(
                    kind: .portal,
                    endpoint: HeartbeatPublisher.Identity.endpoint(
                        host: configuration.listenHost, port: configuration.listenPort)),
                logger: logger))
    }
    app.beforeServerStarts {
        logger.info("Starting portal", metadata: ["ksan.configuration": "\(configuration)"])
        try await store.waitForSchema(version: Migrations.all.map(\.version).max() ?? 0, logger: logger)
        if let key = configuration.bootstrapKey {
            if let existing = try await store.apiKey(id: key.id), key.matches(existing) {
                logger.info("Bootstrap API key present", metadata: ["ksan.apiKey": "\(key.id)"])
            } else {
                try await store.saveAPIKey(id: key.id, name: "bootstrap", secretHash: key.secretHash)
                logger.info("Bootstrap API key saved", metadata: ["ksan.apiKey": "\(key.id)"])
            }
        }
    }
    return app
}
