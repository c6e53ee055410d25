import Testing

@testable import KSANWorker

@Suite("when a worker's next pass runs")
struct WorkerScheduleTests {
    @Test("busy: at once; idle: the interval; throttled: the pause asked for")
    func outcomes() {
        var schedule = WorkerSchedule(idleInterval: .seconds(10))
        #expect(schedule.pause(after: .busy) == .zero)
        #expect(schedule.pause(after: .idle) == .seconds(10))
        #expect(schedule.pause(after: .throttled(.milliseconds(250))) == .milliseconds(250))
        #expect(schedule.pause(after: .throttled(.seconds(-1))) == .zero)
    }

    @Test("failures back off from the interval, doubling up to the cap; a pass that works resets it")
    func backoff() {
        var schedule = WorkerSchedule(idleInterval: .seconds(10), maxBackoff: .seconds(60))
        #expect(schedule.pauseAfterFailure() == .seconds(10))
        #expect(schedule.pauseAfterFailure() == .seconds(20))
        #expect(schedule.pauseAfterFailure() == .seconds(40))
        #expect(schedule.pauseAfterFailure() == .seconds(60))
        for _ in 0..<100 { _ = schedule.pauseAfterFailure() }
        #expect(schedule.pauseAfterFailure() == .seconds(60))
        #expect(schedule.failures == 105)
        #expect(schedule.pause(after: .idle) == .seconds(10))
        #expect(schedule.failures == 0)
        #expect(schedule.pauseAfterFailure() == .seconds(10))
    }

    @Test("a cap below the interval is the interval")
    func capBelowInterval() {
        var schedule = WorkerSchedule(idleInterval: .seconds(10), maxBackoff: .seconds(1))
        #expect(schedule.pauseAfterFailure() == .seconds(10))
        #expect(schedule.pauseAfterFailure() == .seconds(10))
    }
}
