import NIOConcurrencyHelpers

/// A bound on how many requests of one kind run at once: a request that finds it full is refused at once (the
/// caller answers 503 SlowDown) rather than queued, so the bound also bounds the memory they hold.
final class AdmissionLimit: Sendable {
    private let limit: Int
    private let running = NIOLockedValueBox(0)

    /// A limit of `limit` at once (at least one).
    init(_ limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Runs `body` if there is room, else throws `error` without running it.
    func run<Result>(orThrow error: S3Error, _ body: () async throws -> Result) async throws -> Result {
        let admitted = running.withLockedValue { running in
            guard running < limit else { return false }
            running += 1
            return true
        }
        guard admitted else { throw error }
        defer { running.withLockedValue { $0 -= 1 } }
        return try await body()
    }

    /// How many run now.
    var count: Int { running.withLockedValue { $0 } }
}
