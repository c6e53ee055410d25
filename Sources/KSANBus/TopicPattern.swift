/// An AMQP topic pattern: dot-separated words where `*` stands for exactly one word and `#` for zero or more, as a
/// RabbitMQ topic exchange matches binding keys against routing keys.
public struct TopicPattern: Sendable, Hashable, CustomStringConvertible {
    let words: [Substring]

    /// A pattern from its text (`topology.#`, `object.*.photos`).
    public init(_ text: String) {
        words = text.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// Whether a routing key matches.
    public func matches(_ routingKey: String) -> Bool {
        let key = routingKey.split(separator: ".", omittingEmptySubsequences: false)
        // matched[i][j]: the first i words of the pattern match the first j words of the key. One row at a time.
        var previous = [Bool](repeating: false, count: key.count + 1)
        previous[0] = true
        for word in words {
            var current = [Bool](repeating: false, count: key.count + 1)
            if word == "#" {
                // `#` takes zero words (previous[j]) or one more than it took for j - 1 (current[j - 1]).
                current[0] = previous[0]
                for j in key.indices { current[j + 1] = previous[j + 1] || current[j] }
            } else {
                for j in key.indices { current[j + 1] = previous[j] && (word == "*" || word == key[j]) }
            }
            previous = current
        }
        return previous[key.count]
    }

    public var description: String { words.joined(separator: ".") }
}
