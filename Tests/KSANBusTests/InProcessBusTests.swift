import Foundation
import Testing

@testable import KSANBus

@Suite("The in-process bus routes events like a topic exchange")
struct InProcessBusTests {
    @Test func eventsReachMatchingSubscribersOnly() async throws {
        let bus = InProcessBus()
        let disks = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("topology.disk.*"))
        let everything = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("#"))
        let objects = try await bus.subscribe(exchange: BusExchange.objects, pattern: TopicPattern("#"))
        let added = BusEvent(exchange: BusExchange.control, routingKey: "topology.disk.added", payload: Data("d1".utf8))
        let heartbeat = BusEvent(exchange: BusExchange.control, routingKey: "service.heartbeat.gw1")
        try await bus.publish(added)
        try await bus.publish(heartbeat)
        var diskIterator = disks.makeAsyncIterator()
        var everythingIterator = everything.makeAsyncIterator()
        #expect(await diskIterator.next() == added)
        #expect(await everythingIterator.next() == added)
        #expect(await everythingIterator.next() == heartbeat)
        // Nothing for the other exchange: a later event there is the first it sees.
        let created = BusEvent(exchange: BusExchange.objects, routingKey: "object.created.photos")
        try await bus.publish(created)
        var objectIterator = objects.makeAsyncIterator()
        #expect(await objectIterator.next() == created)
        #expect(added.id != heartbeat.id)
    }

    @Test func aDroppedSubscriptionIsForgotten() async throws {
        let bus = InProcessBus()
        do {
            let stream = try await bus.subscribe(exchange: BusExchange.control, pattern: TopicPattern("#"))
            #expect(bus.subscriberCount == 1)
            let task = Task {
                for await _ in stream {}
            }
            task.cancel()
            _ = await task.value
        }
        // The stream's termination removes the subscriber.
        for _ in 0..<100 where bus.subscriberCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(bus.subscriberCount == 0)
        try await bus.publish(BusEvent(exchange: BusExchange.control, routingKey: "x"))
    }

    @Test func eventsSurviveAJSONRoundTrip() throws {
        let event = BusEvent(
            exchange: BusExchange.control, routingKey: "config.changed", payload: Data(#"{"a":1}"#.utf8),
            occurredAt: Date(timeIntervalSince1970: 1_700_000_000))
        let decoded = try JSONDecoder().decode(BusEvent.self, from: JSONEncoder().encode(event))
        #expect(decoded == event)
    }
}

@Suite("The in-process bus's work queues")
struct InProcessWorkQueueTests {
    @Test func aQueueKeepsEventsWhileNoConsumerRuns() async throws {
        let bus = InProcessBus()
        let bindings = [QueueBinding(exchange: BusExchange.objects, pattern: TopicPattern("object.#"))]
        _ = try await bus.consume(queue: "work", bindings: bindings, prefetch: 1)
        let created = BusEvent(exchange: BusExchange.objects, routingKey: "object.created")
        let ignored = BusEvent(exchange: BusExchange.control, routingKey: "object.created")
        try await bus.publish(created)
        try await bus.publish(ignored)
        let stream = try await bus.consume(queue: "work", bindings: [], prefetch: 1)
        var deliveries = stream.makeAsyncIterator()
        #expect(await deliveries.next()?.event == created)
        let deleted = BusEvent(exchange: BusExchange.objects, routingKey: "object.deleted")
        try await bus.publish(deleted)
        #expect(await deliveries.next()?.event == deleted)
    }
}
