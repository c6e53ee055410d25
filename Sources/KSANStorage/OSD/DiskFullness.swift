import NIOConcurrencyHelpers

/// Whether each disk of an OSD is full, as its heartbeats report it: a pure decision with hysteresis, so that a
/// disk hovering at the limit does not flip between full and not (each flip is a topology change).
///
/// A disk becomes full when its free space falls under twice its reserve, and has room again once it is over three
/// times the reserve. The OSD refuses writes only under the reserve itself: the reserve's worth between the two is
/// for the shards already on their way while the topology change reaches the gateways.
public final class DiskFullness: Sendable {
    private let full = NIOLockedValueBox<[String: Bool]>([:])

    public init() {}

    /// Whether a disk is full now, given whether it was.
    public static func isFull(wasFull: Bool, availableBytes: Int64, reserveBytes: Int64) -> Bool {
        guard reserveBytes > 0 else { return availableBytes <= 0 }
        return availableBytes < (wasFull ? 3 : 2) * reserveBytes
    }

    /// Updates and returns the state of disk `id`.
    public func update(_ id: String, availableBytes: Int64, reserveBytes: Int64) -> Bool {
        full.withLockedValue { states in
            let now = Self.isFull(
                wasFull: states[id] ?? false, availableBytes: availableBytes, reserveBytes: reserveBytes)
            states[id] = now
            return now
        }
    }
}
