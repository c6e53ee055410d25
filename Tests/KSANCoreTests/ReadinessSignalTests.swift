import KSANCore
import Testing

@Suite("Readiness signal")
struct ReadinessSignalTests {
    /// Whether `task` ends within 5 s. Without honouring cancellation a waiter would wait for a signal that comes
    /// later or never: polled, so the test fails instead of hanging.
    static func ends(_ task: Task<Void, Never>) async throws -> Bool {
        let ended = Ended()
        Task {
            await task.value
            await ended.set()
        }
        var polls = 0
        while await !ended.value, polls < 50 {
            try await Task.sleep(for: .milliseconds(100))
            polls += 1
        }
        return await ended.value
    }

    @Test("waiters wake on the signal, later ones at once, and a cancelled waiter returns without it")
    func signalAndCancel() async throws {
        let signal = ReadinessSignal()
        let cancelled = Task { await signal.wait() }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(try await Self.ends(cancelled), "a waiter cancelled while it waits did not return")
        #expect(!signal.isReady)
        let waiter = Task { await signal.wait() }
        try await Task.sleep(for: .milliseconds(50))
        signal.signal()
        await waiter.value
        #expect(signal.isReady)
        await signal.wait()
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await ReadinessSignal().wait()
        }
        #expect(try await Self.ends(early), "a waiter cancelled before it waits did not return")
    }
}

/// Whether a task ended.
private actor Ended {
    private(set) var value = false
    func set() { value = true }
}
