import Testing

@testable import KSANWorker

@Suite("the byte-rate limit of background work")
struct ByteRateTests {
    let start = ContinuousClock.now

    @Test("no limit: never a pause")
    func unlimited() {
        var rate = ByteRate(bytesPerSecond: 0)
        #expect(rate.spend(1 << 40, at: start) == .zero)
    }

    @Test("a second's worth may go at once; past it, the pause pays the debt at the rate")
    func debt() {
        var rate = ByteRate(bytesPerSecond: 1_000_000)
        #expect(rate.spend(500_000, at: start) == .zero)
        #expect(rate.spend(1_000_000, at: start) == .milliseconds(500))
        // Half a second later the debt is paid; the next megabyte is a second's debt.
        #expect(rate.spend(0, at: start + .milliseconds(500)) == .zero)
        #expect(rate.spend(1_000_000, at: start + .milliseconds(500)) == .seconds(1))
        // A long idle time refills one second's worth, no more.
        #expect(rate.spend(2_000_000, at: start + .seconds(3600)) == .seconds(1))
    }

    @Test("the rate changes while it runs; 0 lifts the limit")
    func liveChange() {
        var rate = ByteRate(bytesPerSecond: 10_000_000)
        #expect(rate.spend(5_000_000, at: start) == .zero)
        rate.set(bytesPerSecond: 1_000_000)
        #expect(rate.spend(2_000_000, at: start) == .seconds(1))
        rate.set(bytesPerSecond: 0)
        #expect(rate.spend(1 << 40, at: start) == .zero)
    }
}
