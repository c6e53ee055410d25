import Foundation
import KSANBus
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// The failures an OSD sees on its disks, by disk (``DiskErrorBudget``): I/O errors of writes, reads and probes,
/// and shards that fail their checksums, found by reads or the scrub. A full disk is not a failing one: running out
/// of space is not counted. What they amount to goes out with each heartbeat (``DiskUsage/health``).
public final class DiskErrors: Sendable {
    let budgets: NIOLockedValueBox<[String: DiskErrorBudget]>
    let template: DiskErrorBudget
    let logger: Logger
    static let noSpace = [String(cString: strerror(ENOSPC)), String(cString: strerror(EDQUOT))]

    public init(disks: [String], budget: DiskErrorBudget = DiskErrorBudget(), logger: Logger) {
        self.template = budget
        self.budgets = NIOLockedValueBox(Dictionary(uniqueKeysWithValues: disks.map { ($0, budget) }))
        self.logger = logger
    }

    /// Counts `error` against `disk` if it is a failure of the disk (`.io` other than no space, or `.corrupt`);
    /// `key` names what failed.
    public func record(_ error: any Error, disk: String, key: String, at now: Date = Date()) {
        guard let error = error as? StorageError else { return }
        switch error.code {
        case .corrupt: break
        case .io where !Self.noSpace.contains(where: { error.message.contains($0) }): break
        default: return
        }
        let (before, after) = budgets.withLockedValue { budgets in
            var budget = budgets[disk] ?? template
            let before = budget.verdict(at: now)
            budget.record(key, at: now)
            budgets[disk] = budget
            return (before, budget.verdict(at: now))
        }
        if after != before, let after {
            logger.warning(
                "disk failing",
                metadata: ["ksan.disk": "\(disk)", "ksan.health": "\(after.rawValue)", "error": "\(error)"])
        }
    }

    /// A failed probe, counted once per minute.
    public func recordProbe(_ error: any Error, disk: String, at now: Date = Date()) {
        record(error, disk: disk, key: "probe@\(Int(now.timeIntervalSince1970 / 60))", at: now)
    }

    /// The failures within the window and their verdict, by disk.
    public func health(at now: Date = Date()) -> [String: (errors: Int, health: DiskHealth?)] {
        budgets.withLockedValue { budgets in
            budgets.mapValues { ($0.count(at: now), $0.verdict(at: now)) }
        }
    }
}
