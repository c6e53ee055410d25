/// The decisions of one stripe's read, without I/O: which shards to fetch, when to ask for more, and when enough
/// have arrived.
///
/// `needed` shards are fetched at first (`k`, or one copy of a replicated pool): data shards first, but a shard on
/// a suspect host is replaced by a parity shard from the start. A fetch that fails is replaced at once by the next
/// candidate. When the hedge delay passes before the stripe is complete, every other shard is asked for too, and
/// the first `needed` to arrive win.
public struct ShardGather: Sendable {
    /// How a fetch ended.
    public enum Outcome: Sendable, Equatable {
        /// The shard's bytes arrived, checksums verified.
        case data
        /// The OSD answered that the shard is missing or corrupt (the data needs repair).
        case damaged
        /// No usable answer: unreachable host, timeout, cancelled.
        case unanswered
    }

    /// Shards that must arrive.
    public let needed: Int
    /// Shards in the order they are asked for.
    public let candidates: [Int]
    private var next = 0
    /// Fetches running.
    public private(set) var running = 0
    /// Shards that arrived.
    public private(set) var received = 0
    /// Whether an OSD answered that a shard is missing or corrupt.
    public private(set) var damaged = false

    /// The read of a stripe of `suspect.count` shards, `suspect[i]` telling whether shard `i`'s host is suspect.
    public init(needed: Int, suspect: [Bool]) {
        self.needed = needed
        let width = suspect.count
        candidates = (0..<width).filter { !suspect[$0] } + (0..<width).filter { suspect[$0] }
    }

    /// Whether to stop: enough shards arrived, or none is running and none is left to ask for.
    public var isDone: Bool { received >= needed || (running == 0 && next >= candidates.count) }

    /// The shards to fetch first.
    public mutating func start() -> [Int] {
        var launch: [Int] = []
        while running < needed, next < candidates.count { launch.append(take()) }
        return launch
    }

    /// The hedge delay passed: the shards to fetch now (every candidate not asked for yet), none once done.
    public mutating func hedge() -> [Int] {
        guard !isDone else { return [] }
        var launch: [Int] = []
        while next < candidates.count { launch.append(take()) }
        return launch
    }

    /// A fetch ended: the shard to fetch in its place, if it failed and one is left.
    public mutating func fetched(_ outcome: Outcome) -> [Int] {
        running -= 1
        switch outcome {
        case .data:
            received += 1
            return []
        case .damaged: damaged = true
        case .unanswered: break
        }
        guard !isDone, next < candidates.count else { return [] }
        return [take()]
    }

    private mutating func take() -> Int {
        let shard = candidates[next]
        next += 1
        running += 1
        return shard
    }
}
