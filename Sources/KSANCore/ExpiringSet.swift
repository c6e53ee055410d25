import NIOConcurrencyHelpers

/// A set whose elements are forgotten `lifetime` after they were (last) inserted. Thread-safe. Expired elements are
/// dropped at most every tenth of `lifetime`, so memory stays bounded by about 1.1 lifetimes of insertions and
/// pruning costs little per insertion.
public final class ExpiringSet<Element: Hashable & Sendable>: Sendable {
    private struct State {
        var expiries: [Element: ContinuousClock.Instant] = [:]
        var lastPrune = ContinuousClock.now
    }

    private let state = NIOLockedValueBox(State())
    /// How long an element stays after its insertion.
    public let lifetime: Duration

    /// Creates an empty set.
    public init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// Inserts `element`, or renews it.
    public func insert(_ element: Element) {
        let now = ContinuousClock.now
        state.withLockedValue { state in
            state.expiries[element] = now + lifetime
            if now - state.lastPrune >= lifetime / 10 {
                state.expiries = state.expiries.filter { $0.value > now }
                state.lastPrune = now
            }
        }
    }

    /// Inserts `element` unless it is already held (and not expired); whether it was inserted.
    public func insertIfAbsent(_ element: Element) -> Bool {
        let now = ContinuousClock.now
        return state.withLockedValue { state in
            if let expiry = state.expiries[element], expiry > now { return false }
            state.expiries[element] = now + lifetime
            if now - state.lastPrune >= lifetime / 10 {
                state.expiries = state.expiries.filter { $0.value > now }
                state.lastPrune = now
            }
            return true
        }
    }

    /// Whether `element` was inserted within `lifetime`.
    public func contains(_ element: Element) -> Bool {
        let now = ContinuousClock.now
        return state.withLockedValue { state in (state.expiries[element].map { $0 > now }) ?? false }
    }

    /// Forgets `element`.
    public func remove(_ element: Element) {
        state.withLockedValue { state in
            if state.expiries[element] != nil { state.expiries[element] = nil }
        }
    }

    /// How many elements are held (expired ones included until the next prune).
    public var count: Int { state.withLockedValue { $0.expiries.count } }
}
