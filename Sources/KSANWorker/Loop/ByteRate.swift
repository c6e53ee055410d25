/// A byte-rate limit, without I/O: a token bucket that holds at most one second of the rate. Work spends bytes;
/// once the bucket is in debt, ``spend(_:at:)`` answers how long to pause before the debt is paid. A rate of 0 is
/// no limit.
public struct ByteRate: Sendable {
    /// Bytes per second; 0: unlimited.
    public private(set) var bytesPerSecond: Int64
    private var tokens: Double
    private var last: ContinuousClock.Instant?

    /// A limit of `bytesPerSecond` (0: none), starting with a full bucket.
    public init(bytesPerSecond: Int64) {
        self.bytesPerSecond = max(bytesPerSecond, 0)
        tokens = Double(self.bytesPerSecond)
    }

    /// Changes the rate while it runs (a live setting); the bucket keeps what it holds, up to the new rate.
    public mutating func set(bytesPerSecond: Int64) {
        self.bytesPerSecond = max(bytesPerSecond, 0)
        tokens = min(tokens, Double(self.bytesPerSecond))
    }

    /// Spends `bytes` at `now`; returns the pause before more work (zero while the bucket is not in debt).
    public mutating func spend(_ bytes: Int64, at now: ContinuousClock.Instant) -> Duration {
        guard bytesPerSecond > 0 else { return .zero }
        let rate = Double(bytesPerSecond)
        if let last {
            let elapsed = now - last
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(rate, tokens + seconds * rate)
        }
        last = now
        tokens -= Double(bytes)
        guard tokens < 0 else { return .zero }
        return .nanoseconds(Int64((-tokens / rate) * 1e9))
    }
}
