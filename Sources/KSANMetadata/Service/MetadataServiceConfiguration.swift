import Foundation
import KSANBus
import KSANCore
import NIOSSL
import PostgresNIO

/// Everything the metadata service needs to start: where to listen, the database, the topology and the bootstrap
/// administrator.
///
/// The description never shows the database password or the administrator's secret.
public struct MetadataServiceConfiguration: Sendable, CustomStringConvertible {
    /// How to reach PostgreSQL.
    public struct Postgres: Sendable, Hashable, CustomStringConvertible {
        /// How the connection is encrypted (libpq's `sslmode`).
        public enum TLSMode: String, Sendable, Hashable {
            /// Never use TLS.
            case disable
            /// Use TLS if the server offers it.
            case prefer
            /// Fail unless the server speaks TLS.
            case require
        }

        /// Server host name or address.
        public var host: String
        /// Server port.
        public var port: Int
        /// User name.
        public var username: String
        /// Password, if the server asks for one.
        public var password: String?
        /// Database name.
        public var database: String
        /// TLS use.
        public var tls: TLSMode

        /// Creates settings.
        public init(
            host: String = "127.0.0.1", port: Int = 5432, username: String = "postgres", password: String? = nil,
            database: String = "ksan", tls: TLSMode = .prefer
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
        }

        /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]`
        /// (`postgresql://` works too; user name and password may be percent-encoded).
        /// - Throws: ``MetadataError`` `.invalidArgument` naming what is wrong (never the password).
        public init(url: String) throws {
            guard let components = URLComponents(string: url),
                components.scheme == "postgres" || components.scheme == "postgresql"
            else {
                throw MetadataError(.invalidArgument, "the PostgreSQL URL must look like postgres://user@host:port/db")
            }
            guard let host = components.host, !host.isEmpty else {
                throw MetadataError(.invalidArgument, "the PostgreSQL URL has no host")
            }
            var database = components.path
            while database.hasPrefix("/") { database.removeFirst() }
            guard !database.isEmpty else {
                throw MetadataError(.invalidArgument, "the PostgreSQL URL has no database name")
            }
            var tls = TLSMode.prefer
            if let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
                guard let parsed = TLSMode(rawValue: mode) else {
                    throw MetadataError(.invalidArgument, "sslmode must be disable, prefer or require")
                }
                tls = parsed
            }
            self.init(
                host: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host,
                port: components.port ?? 5432,
                username: components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres",
                password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
                database: database.removingPercentEncoding ?? database,
                tls: tls
            )
        }

        /// The `PostgresClient` configuration of these settings.
        public var clientConfiguration: PostgresClient.Configuration {
            let tlsConfiguration: PostgresClient.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            return PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tlsConfiguration
            )
        }

        /// The URL without the password.
        public var description: String {
            "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tls)"
        }
    }

    /// Tuning knobs with sensible defaults.
    public struct Options: Sendable, Hashable {
        /// The most database connections the service opens.
        public var maxDatabaseConnections: Int = 20
        /// The largest request body accepted, in bytes (objects with inline data and many parts can be large).
        public var maxRequestBodySize: Int = 64 * 1024 * 1024
        /// Seconds an OSD may stay silent (no heartbeat) before its host is marked Offline (``HostMonitor``).
        public var osdTimeout: TimeInterval = 30

        /// Creates default options.
        public init() {}
    }

    /// The address the HTTP API listens on.
    public var listenHost: String
    /// The port the HTTP API listens on (0 for any free port).
    public var listenPort: Int
    /// The database.
    public var postgres: Postgres
    /// A topology JSON file to load at start, or nil to keep the stored topology.
    public var topologyFile: String?
    /// The bootstrap administrator's access key id, or nil for none.
    public var adminAccessKey: String?
    /// The bootstrap administrator's secret key. Never logged.
    public var adminSecretKey: String?
    /// The bootstrap administrator's display name.
    public var adminDisplayName: String
    /// Tuning knobs.
    public var options: Options
    /// The key every call must be signed with. Never logged.
    public var clusterKey: ClusterKey?
    /// Whether the service may start without a cluster key, its API open to anyone who can reach it (a private
    /// network only). Without a key and without this, the service refuses to start.
    public var allowOpenAPI: Bool
    /// The RabbitMQ broker the outbox's events go to, or nil for none: events are then published on an in-process
    /// bus only (a single-process deployment, tests).
    public var bus: RabbitMQConfiguration?

    /// Creates a configuration.
    public init(
        listenHost: String = "127.0.0.1", listenPort: Int = 9300, postgres: Postgres = Postgres(),
        topologyFile: String? = nil, adminAccessKey: String? = nil, adminSecretKey: String? = nil,
        adminDisplayName: String = "admin", options: Options = Options(), clusterKey: ClusterKey? = nil,
        allowOpenAPI: Bool = false, bus: RabbitMQConfiguration? = nil
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.postgres = postgres
        self.topologyFile = topologyFile
        self.adminAccessKey = adminAccessKey
        self.adminSecretKey = adminSecretKey
        self.adminDisplayName = adminDisplayName
        self.options = options
        self.clusterKey = clusterKey
        self.allowOpenAPI = allowOpenAPI
        self.bus = bus
    }

    /// The configuration without secrets.
    public var description: String {
        "MetadataServiceConfiguration(listen: \(listenHost):\(listenPort), postgres: \(postgres), "
            + "topology: \(topologyFile ?? "-"), admin: \(adminAccessKey ?? "-"), "
            + "cluster key: \(clusterKey == nil ? "none" : "set"), bus: \(bus?.endpointDescription ?? "in-process"))"
    }
}
