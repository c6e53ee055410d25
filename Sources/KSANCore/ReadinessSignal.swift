import NIOConcurrencyHelpers

/// A one-time signal between services: those that must not start before something is ready (the schema migrated)
/// `wait()`; whoever makes it ready calls `signal()` once. Waiters after the signal return at once.
public final class ReadinessSignal: Sendable {
    private enum State {
        case waiting([UInt64: CheckedContinuation<Void, Never>], next: UInt64)
        case ready
    }

    private let state = NIOLockedValueBox(State.waiting([:], next: 0))

    /// Creates an unsignalled signal.
    public init() {}

    /// Marks it ready and wakes every waiter.
    public func signal() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            guard case .waiting(let waiters, _) = state else { return [] }
            state = .ready
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once ``signal()`` was called, or once the waiting task is cancelled (a service group shutting down
    /// because what was to become ready failed: a waiter must not keep the process from exiting).
    public func wait() async {
        let id = state.withLockedValue { state -> UInt64 in
            guard case .waiting(let waiters, let next) = state else { return 0 }
            state = .waiting(waiters, next: next + 1)
            return next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLockedValue { state -> Bool in
                    guard case .waiting(var waiters, let next) = state, !Task.isCancelled else { return true }
                    waiters[id] = continuation
                    state = .waiting(waiters, next: next)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(var waiters, let next) = state else { return nil }
                let waiter = waiters.removeValue(forKey: id)
                state = .waiting(waiters, next: next)
                return waiter
            }
            waiter?.resume()
        }
    }

    /// Whether ``signal()`` was called.
    public var isReady: Bool {
        state.withLockedValue { if case .ready = $0 { true } else { false } }
    }
}
