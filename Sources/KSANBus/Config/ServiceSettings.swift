import Foundation

/// One version of the settings of a kind of service that the portal keeps (`ksanctl config`) and pushes on
/// ``BusExchange/control`` with ``routingKey`` at each change: the services of that kind apply it while they run
/// (``LiveSettings``). Versions only grow; a rollback is a new version with an old version's settings.
public struct ServiceSettings: Codable, Sendable, Hashable {
    /// Routing key of a new version.
    public static let routingKey = "config.changed"

    public var kind: ServiceKind
    public var version: Int
    /// Option names (as in the configuration file) and their values.
    public var settings: [String: String]
    public var createdAt: Date
    /// What the operator said of the change.
    public var comment: String?

    public init(kind: ServiceKind, version: Int, settings: [String: String], createdAt: Date, comment: String?) {
        self.kind = kind
        self.version = version
        self.settings = settings
        self.createdAt = createdAt
        self.comment = comment
    }

    /// A version read from the bus (dates in seconds since 1970, as every KSAN event).
    public static func decode(_ payload: Data) throws -> ServiceSettings {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(ServiceSettings.self, from: payload)
    }
}
