/// A failure of one AMQP connection: the connection is unusable afterwards and is replaced.
struct AMQPError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
