import KSANCore
import Testing

@Suite("Readiness signal")
struct ReadinessSignalTests {
    @Test("waiters wake on the signal, later ones at once, and a cancelled waiter returns without it")
    func signalAndCancel() async throws {
        let signal = ReadinessSignal()
        let cancelled = Task { await signal.wait() }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        await cancelled.value  // would hang before the signal if cancellation were ignored
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
        await early.value
    }
}
