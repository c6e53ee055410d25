import KSANCore

/// What this gateway has lately learned about OSD hosts that did not answer. A host whose request timed out or
/// could not connect, or that a hedged read had to go around, is *suspect* for a while: reads fetch parity instead
/// of waiting on it. So an unreachable host costs one timeout, not one per stripe. Any answer from the host clears
/// it.
public final class HostHealth: Sendable {
    private let suspects: ExpiringSet<String>

    /// Creates an empty record; a failed host stays suspect for `period`.
    public init(period: Duration = .seconds(10)) {
        suspects = ExpiringSet(lifetime: period)
    }

    /// Whether the host (by endpoint) failed within the period.
    public func isSuspect(_ endpoint: String) -> Bool { suspects.contains(endpoint) }

    /// Records a failure of the host: suspect for the period from now.
    public func markFailed(_ endpoint: String) { suspects.insert(endpoint) }

    /// Records an answer from the host.
    public func markAnswered(_ endpoint: String) { suspects.remove(endpoint) }
}
