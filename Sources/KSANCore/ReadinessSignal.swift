import NIOConcurrencyHelpers

/// A one-time signal between services: those that must not start before something is ready (the schema migrated)
/// `wait()`; whoever makes it ready calls `signal()` once. Waiters after the signal return at once.
public final class ReadinessSignal: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, Never>])
        case ready
    }

    private let state = NIOLockedValueBox(State.waiting([]))

    /// Creates an unsignalled signal.
    public init() {}

    /// Marks it ready and wakes every waiter.
    public func signal() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .ready
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once ``signal()`` was called.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Bool in
                guard case .waiting(var waiters) = state else { return true }
                waiters.append(continuation)
                state = .waiting(waiters)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Whether ``signal()`` was called.
    public var isReady: Bool {
        state.withLockedValue { if case .ready = $0 { true } else { false } }
    }
}
