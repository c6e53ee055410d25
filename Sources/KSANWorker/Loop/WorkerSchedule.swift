/// When a worker's next pass runs, without I/O: at once after a busy pass, after the idle interval after an idle
/// one, after the requested pause when throttled, and after a pause that doubles with each consecutive failure
/// (from the idle interval up to `maxBackoff`) while passes fail, so a worker whose database or OSDs are down
/// neither spins nor waits long once they are back.
public struct WorkerSchedule: Sendable {
    /// The pause after an idle pass.
    public let idleInterval: Duration
    /// The longest pause after failures.
    public let maxBackoff: Duration
    /// Passes that failed in a row.
    public private(set) var failures = 0

    /// A schedule.
    public init(idleInterval: Duration, maxBackoff: Duration = .seconds(300)) {
        self.idleInterval = idleInterval
        self.maxBackoff = max(maxBackoff, idleInterval)
    }

    /// The pause after a pass that ended with `outcome`.
    public mutating func pause(after outcome: PassOutcome) -> Duration {
        failures = 0
        switch outcome {
        case .busy: return .zero
        case .idle: return idleInterval
        case .throttled(let pause): return max(pause, .zero)
        }
    }

    /// The pause after a pass that failed.
    public mutating func pauseAfterFailure() -> Duration {
        failures += 1
        var pause = idleInterval
        for _ in 1..<min(failures, 32) {
            pause *= 2
            if pause >= maxBackoff { return maxBackoff }
        }
        return min(pause, maxBackoff)
    }
}
