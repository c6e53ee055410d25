import Foundation
import KSANBus

/// The failures of one disk within a sliding window, and what they amount to: a pure state machine, tested
/// without I/O.
///
/// A failure is counted once per thing that failed (`key`: a shard's address, or the probe within a minute), so a
/// corrupt shard read many times before its repair counts once, while a disk that fails many different shards, or
/// keeps failing its probe, runs up its count. `weakAfter` failures within `window` make the disk Weak,
/// `badAfter` make it Bad.
public struct DiskErrorBudget: Sendable {
    public var window: TimeInterval
    public var weakAfter: Int
    public var badAfter: Int
    /// The last time each key failed.
    private(set) var failures: [String: Date] = [:]

    public init(window: TimeInterval = 3600, weakAfter: Int = 3, badAfter: Int = 10) {
        self.window = window
        self.weakAfter = weakAfter
        self.badAfter = max(badAfter, weakAfter)
    }

    /// Records that `key` failed at `now`.
    public mutating func record(_ key: String, at now: Date) {
        failures[key] = now
        forget(before: now)
    }

    /// The failures within the window at `now`.
    public func count(at now: Date) -> Int {
        failures.values.filter { now.timeIntervalSince($0) < window }.count
    }

    /// What the failures within the window amount to at `now`; nil: healthy.
    public func verdict(at now: Date) -> DiskHealth? {
        let count = count(at: now)
        if count >= badAfter { return .bad }
        if count >= weakAfter { return .weak }
        return nil
    }

    private mutating func forget(before now: Date) {
        // Kept bounded: a failing disk cannot grow this beyond what its window holds.
        if failures.count > 4 * badAfter + 64 {
            failures = failures.filter { now.timeIntervalSince($0.value) < window }
        }
    }
}
