import Testing

@testable import KSANData

@Suite struct HostHealthTests {
    @Test func failedHostsAreSuspectForThePeriodOnly() async throws {
        let health = HostHealth(period: .milliseconds(200))
        #expect(!health.isSuspect("http://a"))
        health.markFailed("http://a")
        #expect(health.isSuspect("http://a"))
        #expect(!health.isSuspect("http://b"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(!health.isSuspect("http://a"))
    }

    @Test func anAnswerClearsSuspicion() {
        let health = HostHealth(period: .seconds(60))
        health.markFailed("http://a")
        health.markAnswered("http://a")
        #expect(!health.isSuspect("http://a"))
    }
}
