import Foundation
import KSANBus
import Logging
import Testing

@testable import KSANStorage

/// What a disk's failures amount to, without I/O; and which errors count.
@Suite("Disk error budget")
struct DiskErrorBudgetTests {
    let start = Date(timeIntervalSince1970: 2_000_000)

    @Test("distinct failures within the window make a disk Weak, then Bad; a repeated one counts once; old ones expire")
    func verdicts() {
        var budget = DiskErrorBudget(window: 600, weakAfter: 3, badAfter: 5)
        #expect(budget.verdict(at: start) == nil)
        for _ in 0..<20 { budget.record("d/0.1", at: start) }
        #expect(budget.count(at: start) == 1 && budget.verdict(at: start) == nil)
        budget.record("d/0.2", at: start + 1)
        budget.record("e/0.1", at: start + 2)
        #expect(budget.verdict(at: start + 2) == .weak)
        budget.record("f/0.1", at: start + 3)
        budget.record("g/0.1", at: start + 4)
        #expect(budget.verdict(at: start + 4) == .bad)
        // Ten minutes on, the first three are forgotten.
        #expect(budget.count(at: start + 602) == 2 && budget.verdict(at: start + 602) == nil)
        // Bad is never below Weak.
        #expect(DiskErrorBudget(weakAfter: 4, badAfter: 2).badAfter == 4)
    }

    @Test("I/O errors and corrupt shards count; a full disk, a missing shard and other errors do not")
    func whatCounts() {
        let errors = DiskErrors(
            disks: ["d1"], budget: DiskErrorBudget(window: 600, weakAfter: 2, badAfter: 3), logger: Logger(label: "t"))
        errors.record(StorageError(.notFound, "no shard"), disk: "d1", key: "a", at: start)
        errors.record(
            StorageError(.io, "write x: \(String(cString: strerror(ENOSPC)))"), disk: "d1", key: "b", at: start)
        errors.record(StorageError(.deleted, "deleted"), disk: "d1", key: "c", at: start)
        errors.record(CancellationError(), disk: "d1", key: "d", at: start)
        #expect(errors.health(at: start)["d1"]?.errors == 0)
        errors.record(StorageError(.corrupt, "block 3"), disk: "d1", key: "e", at: start)
        errors.record(StorageError(.io, "read y: Input/output error"), disk: "d1", key: "f", at: start)
        #expect(errors.health(at: start)["d1"]?.health == .weak)
        // The probe counts once per minute, however often it fails.
        for second in 0..<30 { errors.recordProbe(StorageError(.io, "create"), disk: "d1", at: start + Double(second)) }
        #expect(errors.health(at: start + 30)["d1"]?.errors == 3)
        #expect(errors.health(at: start + 30)["d1"]?.health == .bad)
    }
}
