import Testing

/// Polls `condition` every 200 ms until it holds; records an issue if it does not within `seconds`.
func waitUntilAsync(seconds: Int = 15, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not reached within \(seconds) s")
            return
        }
        try await Task.sleep(for: .milliseconds(200))
    }
}

/// ``waitUntilAsync(seconds:_:)`` for a synchronous condition.
func waitUntil(seconds: Int = 15, _ condition: () -> Bool) async throws {
    try await waitUntilAsync(seconds: seconds) { condition() }
}
