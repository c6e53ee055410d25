import NIOConcurrencyHelpers

/// The data ids one request already reported as damaged, so that a read of a long object with a lost shard queues
/// its repair once, not once per stripe. It lives as long as the request: a later read reports again, however
/// recently an earlier one did (metadata keeps one queue entry per data id and numbers each report).
final class DamageReports: Sendable {
    private let reported = NIOLockedValueBox(Set<String>())

    init() {}

    /// True the first time a data id is reported through this object.
    func isFirst(_ dataId: String) -> Bool {
        reported.withLockedValue { $0.insert(dataId).inserted }
    }
}
