/// The body of a `user.key.changed` event on the bus's control exchange: an S3 key was disabled, enabled or
/// deleted, so that gateways forget what they cached of it at once (else within their 10 s cache).
public struct AccessKeyChange: Codable, Sendable, Hashable {
    /// The routing key.
    public static let routingKey = "user.key.changed"
    /// The exchange (`BusExchange.control`).
    public static let exchange = "ksan.control"

    /// `enabled`, `disabled` or `removed`.
    public var change: String
    public var accessKeyId: String

    public init(change: String, accessKeyId: String) {
        self.change = change
        self.accessKeyId = accessKeyId
    }
}
