import NIOConcurrencyHelpers

/// Data ids deleted on a disk lately. Data ids are random and never reused, so a shard write for a deleted id can
/// only be a late arrival of a failed upload; refusing it keeps that upload from leaving an orphan shard behind.
/// Kept in memory for `lifetime`: long enough for any request in flight at the deletion to end.
public final class Tombstones: Sendable {
    private let entries = NIOLockedValueBox<(ids: [String: ContinuousClock.Instant], inserts: Int)>(([:], 0))
    /// How long a deleted id is remembered.
    public let lifetime: Duration

    /// Creates an empty set.
    public init(lifetime: Duration = .seconds(3600)) {
        self.lifetime = lifetime
    }

    /// Records a deletion; every 1,024 insertions, expired ids are forgotten.
    public func insert(_ dataId: String) {
        let now = ContinuousClock.now
        entries.withLockedValue { state in
            state.ids[dataId] = now + lifetime
            state.inserts += 1
            if state.inserts % 1024 == 0 { state.ids = state.ids.filter { $0.value > now } }
        }
    }

    /// Whether the id was deleted within `lifetime`.
    public func contains(_ dataId: String) -> Bool {
        let now = ContinuousClock.now
        return entries.withLockedValue { state in (state.ids[dataId].map { $0 > now }) ?? false }
    }
}
