import Testing

@testable import KSANBus

@Suite("AMQP URLs")
struct RabbitMQConfigurationTests {
    @Test func everyPartIsRead() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://ksan:s%40cret@10.0.0.5:5673/prod")
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 5673)
        #expect(configuration.user == "ksan")
        #expect(configuration.password == "s@cret")
        #expect(configuration.virtualHost == "prod")
        #expect(configuration.endpointDescription == "amqp://10.0.0.5:5673")
    }

    @Test func defaultsAreRabbitMQs() throws {
        let configuration = try RabbitMQConfiguration(url: "amqp://broker")
        #expect(configuration.port == 5672)
        #expect(configuration.user == "guest")
        #expect(configuration.password == "guest")
        #expect(configuration.virtualHost == "/")
        #expect(try RabbitMQConfiguration(url: "amqp://broker/%2F").virtualHost == "/")
    }

    @Test func otherURLsAreRefused() {
        for text in ["http://broker", "amqp://", "broker:5672", ""] {
            #expect(throws: BusError.self) { try RabbitMQConfiguration(url: text) }
        }
    }
}
