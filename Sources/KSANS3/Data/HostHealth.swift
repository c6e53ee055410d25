import NIOConcurrencyHelpers

/// What this gateway has lately learned about OSD hosts that did not answer. A host whose request timed out or
/// could not connect, or that a hedged read had to go around, is *suspect* for a while: reads fetch parity instead
/// of waiting on it, and writes leave its shards out while the write quorum allows. So an unreachable host costs
/// one timeout, not one per stripe. Any answer from the host clears it.
public final class HostHealth: Sendable {
    private let suspects = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
    /// How long a host stays suspect after a failure.
    public let period: Duration

    /// Creates an empty record.
    public init(period: Duration = .seconds(10)) {
        self.period = period
    }

    /// Whether the host (by endpoint) failed within the last `period`.
    public func isSuspect(_ endpoint: String) -> Bool {
        suspects.withLockedValue { suspects in
            guard let until = suspects[endpoint] else { return false }
            if until > .now { return true }
            suspects[endpoint] = nil
            return false
        }
    }

    /// Records a failure of the host: suspect for `period` from now.
    public func markFailed(_ endpoint: String) {
        let until = ContinuousClock.now + period
        suspects.withLockedValue { $0[endpoint] = until }
    }

    /// Records an answer from the host.
    public func markAnswered(_ endpoint: String) {
        suspects.withLockedValue { suspects in
            if suspects[endpoint] != nil { suspects[endpoint] = nil }
        }
    }
}
