import Foundation

/// A message read from a queue by an ``AMQPConnection``, copied out of librabbitmq's buffers.
struct AMQPMessage {
    var deliveryTag: UInt64
    var redelivered: Bool
    var exchange: String
    var routingKey: String
    var messageId: String
    var occurredAt: String
    var body: Data
}
