import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Testing

@testable import KSANMetadata

/// The environment of the PostgreSQL-backed tests.
enum TestEnvironment {
    /// `KSAN_SKIP_POSTGRES_TESTS=1` disables the tests that need PostgreSQL.
    static var postgresEnabled: Bool {
        ProcessInfo.processInfo.environment["KSAN_SKIP_POSTGRES_TESTS"] != "1"
    }

    /// The server the tests create their databases on, from `KSAN_TEST_POSTGRES_URL`.
    static func postgres() throws -> MetadataServiceConfiguration.Postgres {
        guard let url = ProcessInfo.processInfo.environment["KSAN_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw SetupError(
                """
                KSAN_TEST_POSTGRES_URL is not set. The KSANMetadata tests need a real PostgreSQL server: run \
                scripts/test.sh, which starts one and sets it, or start one yourself and run \
                `KSAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:25432/ksan_test swift test --filter \
                KSANMetadataTests` (each test creates and drops its own database on that server). Set \
                KSAN_SKIP_POSTGRES_TESTS=1 to skip these tests instead.
                """
            )
        }
        return try MetadataServiceConfiguration.Postgres(url: url)
    }

    /// A quiet logger for tests.
    static var logger: Logger {
        var logger = Logger(label: "ksan-metadata-tests")
        logger.logLevel =
            ProcessInfo.processInfo.environment["KSAN_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .error
        return logger
    }
}

/// A failure to set up a test, with instructions.
struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Per-test databases on the test server.
enum TestDatabase {
    /// Runs `body` with a client of a fresh, empty database that is dropped afterwards.
    static func withDatabase<Result: Sendable>(
        _ body: (MetadataServiceConfiguration.Postgres) async throws -> Result
    ) async throws -> Result {
        let server = try TestEnvironment.postgres()
        let name = "ksan_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try await admin(server) { client in
            _ = try await client.query(
                "CREATE DATABASE \(unescaped: name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
                logger: TestEnvironment.logger
            ).collect()
        }
        var settings = server
        settings.database = name
        let result: Result
        do {
            result = try await body(settings)
        } catch {
            try? await drop(name, server: server)
            throw error
        }
        try await drop(name, server: server)
        return result
    }

    /// Runs `body` with a store over a fresh, migrated database holding ``TestFixtures/topology``.
    static func withStore<Result: Sendable>(
        maxConnections: Int = 2, topology: Topology? = TestFixtures.topology,
        _ body: (PostgresMetadataStore) async throws -> Result
    ) async throws -> Result {
        try await withDatabase { settings in
            try await withClient(settings, maxConnections: maxConnections) { client in
                let store = PostgresMetadataStore(client: client, logger: TestEnvironment.logger)
                try await store.migrate()
                if let topology { try await store.loadTopology(topology) }
                return try await body(store)
            }
        }
    }

    /// Runs `body` with a running client of `settings`.
    static func withClient<Result: Sendable>(
        _ settings: MetadataServiceConfiguration.Postgres, maxConnections: Int = 2,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        var configuration = settings.clientConfiguration
        configuration.options.maximumConnections = maxConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: TestEnvironment.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` on one connection to the server's own database (or `postgres` if that one does not exist).
    static func admin<Result: Sendable>(
        _ server: MetadataServiceConfiguration.Postgres, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection: PostgresConnection
        do {
            connection = try await connect(server)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "3D000" {
            var fallback = server
            fallback.database = "postgres"
            connection = try await connect(fallback)
        }
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A single connection (not a pool: a missing database fails at once instead of being retried).
    static func connect(_ settings: MetadataServiceConfiguration.Postgres) async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS =
            switch settings.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        return try await PostgresConnection.connect(
            configuration: .init(
                host: settings.host, port: settings.port, username: settings.username, password: settings.password,
                database: settings.database, tls: tls
            ),
            id: 1,
            logger: TestEnvironment.logger
        )
    }

    static func drop(_ name: String, server: MetadataServiceConfiguration.Postgres) async throws {
        try await admin(server) { client in
            _ = try await client.query(
                "DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: TestEnvironment.logger
            ).collect()
        }
    }
}
