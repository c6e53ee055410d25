import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

@testable import KSANWorker

/// A worker that answers a script of outcomes (nil: throw), then stays idle; it records when each pass ran.
final class ScriptedWorker: Worker {
    struct Failure: Error {}
    let name = "scripted"
    private let script: NIOLockedValueBox<[PassOutcome?]>
    private let runs = NIOLockedValueBox([ContinuousClock.Instant]())

    init(_ script: [PassOutcome?]) {
        self.script = NIOLockedValueBox(script)
    }

    var passTimes: [ContinuousClock.Instant] { runs.withLockedValue { $0 } }

    func pass() async throws -> PassOutcome {
        runs.withLockedValue { $0.append(.now) }
        let next = script.withLockedValue { $0.isEmpty ? .idle : $0.removeFirst() }
        guard let next else { throw Failure() }
        return next
    }
}

@Suite("a worker's passes in its service")
struct WorkerServiceTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("busy passes run back to back, a failure backs off, idle waits the interval, and cancellation stops it")
    func schedule() async throws {
        let worker = ScriptedWorker([.busy, .busy, nil, .busy])
        let service = WorkerService(worker, idleInterval: .seconds(1), logger: logger)
        let task = Task { try await service.run() }
        // busy, busy, failure (then 1 s), busy, idle (then 1 s), idle.
        for _ in 0..<400 where worker.passTimes.count < 6 { try await Task.sleep(for: .milliseconds(50)) }
        task.cancel()
        _ = try? await task.value
        let times = worker.passTimes
        try #require(times.count >= 6, "\(times.count) passes")
        #expect(times[1] - times[0] < .milliseconds(700))
        #expect(times[2] - times[1] < .milliseconds(700))
        #expect(times[3] - times[2] >= .milliseconds(950))
        #expect(times[4] - times[3] < .milliseconds(700))
        #expect(times[5] - times[4] >= .milliseconds(950))
        let ran = times.count
        try await Task.sleep(for: .milliseconds(1500))
        #expect(worker.passTimes.count == ran, "no pass after cancellation")
    }

    @Test("graceful shutdown cuts the idle pause short")
    func gracefulShutdown() async throws {
        let worker = ScriptedWorker([])
        let service = WorkerService(worker, idleInterval: .seconds(3600), logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [], logger: logger))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(worker.passTimes.count == 1)
    }
}
