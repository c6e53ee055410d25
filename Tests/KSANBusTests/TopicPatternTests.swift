import Testing

@testable import KSANBus

@Suite("Topic patterns match routing keys as a RabbitMQ topic exchange does")
struct TopicPatternTests {
    @Test(
        arguments: [
            ("topology.disk.added", "topology.disk.added", true),
            ("topology.disk.added", "topology.disk.removed", false),
            ("topology.*.added", "topology.disk.added", true),
            ("topology.*.added", "topology.disk.pool.added", false),
            ("topology.*", "topology", false),
            ("topology.#", "topology", true),
            ("topology.#", "topology.disk.added", true),
            ("topology.#", "topologies.disk", false),
            ("#", "anything.at.all", true),
            ("#", "one", true),
            ("#.added", "topology.disk.added", true),
            ("#.added", "added", true),
            ("#.added", "topology.added.not", false),
            ("object.*.photos", "object.created.photos", true),
            ("object.*.photos", "object.created.videos", false),
            ("a.#.z", "a.z", true),
            ("a.#.z", "a.b.c.z", true),
            ("a.#.z", "a.b.c", false),
            ("*.*", "a.b", true),
            ("*.*", "a.b.c", false),
            ("#.#", "a.b.c", true),
        ])
    func matching(pattern: String, key: String, matches: Bool) {
        #expect(TopicPattern(pattern).matches(key) == matches, "\(pattern) ~ \(key)")
    }
}
