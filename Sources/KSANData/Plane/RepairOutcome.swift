/// What repairing one layout did.
public struct RepairOutcome: Sendable, Equatable {
    /// Whether every shard of every stripe is now in place.
    public var repaired: Bool
    /// Shard bytes read and written on the way, for the repair's rate limit.
    public var bytes: Int64

    /// An outcome.
    public init(repaired: Bool, bytes: Int64) {
        self.repaired = repaired
        self.bytes = bytes
    }
}
