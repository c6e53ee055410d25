import NIOCore

/// What fetching one shard gave.
enum ShardFetch: Sendable {
    /// The shard's bytes, checksums verified.
    case data(ByteBuffer)
    /// The OSD answered that the shard is missing or corrupt.
    case damaged
    /// No usable answer: unreachable host, timeout, cancelled.
    case unanswered

    /// The outcome, without the bytes, for ``ShardGather``.
    var outcome: ShardGather.Outcome {
        switch self {
        case .data: .data
        case .damaged: .damaged
        case .unanswered: .unanswered
        }
    }
}
