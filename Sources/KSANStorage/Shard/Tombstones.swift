import NIOConcurrencyHelpers

/// Data ids deleted on a disk lately. Data ids are random and never reused, so a shard write for a deleted id can
/// only be a late arrival of a failed upload (or a repair racing a deletion); refusing it keeps that write from
/// leaving an orphan shard behind. Kept in memory for `lifetime`: far longer than any request in flight at the
/// deletion can last (the gateway gives up on a shard request after 30 s).
public final class Tombstones: Sendable {
    private struct State {
        var ids: [String: ContinuousClock.Instant] = [:]
        var lastPrune = ContinuousClock.now
    }

    private let state = NIOLockedValueBox(State())
    /// How long a deleted id is remembered.
    public let lifetime: Duration

    /// Creates an empty set.
    public init(lifetime: Duration = .seconds(600)) {
        self.lifetime = lifetime
    }

    /// Records a deletion. Expired ids are forgotten at most every tenth of `lifetime`, so memory stays bounded
    /// by the deletions of about 1.1 lifetimes and pruning costs little per deletion.
    public func insert(_ dataId: String) {
        let now = ContinuousClock.now
        state.withLockedValue { state in
            state.ids[dataId] = now + lifetime
            if now - state.lastPrune >= lifetime / 10 {
                state.ids = state.ids.filter { $0.value > now }
                state.lastPrune = now
            }
        }
    }

    /// Whether the id was deleted within `lifetime`.
    public func contains(_ dataId: String) -> Bool {
        let now = ContinuousClock.now
        return state.withLockedValue { state in (state.ids[dataId].map { $0 > now }) ?? false }
    }

    /// How many ids are remembered (expired ones included until the next prune).
    public var count: Int { state.withLockedValue { $0.ids.count } }
}
