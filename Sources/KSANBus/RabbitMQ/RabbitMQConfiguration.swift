import Foundation

/// Where the broker is and how patiently to talk to it.
public struct RabbitMQConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var virtualHost: String
    /// The AMQP heartbeat: a broker silent for twice this long is taken for gone.
    public var heartbeatSeconds: Int = 10
    /// Seconds to open a TCP connection.
    public var connectTimeout: Double = 5
    /// Seconds for one broker round trip (login, declarations).
    public var operationTimeout: Double = 10
    /// Seconds a publication may wait for the broker (reconnecting, then confirming) before it fails.
    public var publishTimeout: Double = 30
    /// The longest pause between reconnection attempts (they start at 0.1 s and double).
    public var maxBackoff: Double = 5

    /// A configuration with the default timeouts.
    public init(
        host: String, port: Int = 5672, user: String = "guest", password: String = "guest", virtualHost: String = "/"
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
    }

    /// A configuration from an AMQP URL, `amqp://user:password@host:port/vhost` (user, password, port and vhost
    /// optional; the vhost `%2F` or empty is `/`).
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), components.scheme == "amqp",
            let host = components.host, !host.isEmpty
        else {
            throw BusError.invalidConfiguration("not an amqp:// URL with a host")
        }
        let path = components.percentEncodedPath.hasPrefix("/") ? String(components.percentEncodedPath.dropFirst()) : ""
        self.init(
            host: host, port: components.port ?? 5672, user: components.user ?? "guest",
            password: components.password ?? "guest",
            virtualHost: path.isEmpty ? "/" : (path.removingPercentEncoding ?? path))
    }

    /// The broker's address, without credentials (for logs).
    public var endpointDescription: String { "amqp://\(host):\(port)" }
}
