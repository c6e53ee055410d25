import Foundation
import NIOConcurrencyHelpers

/// A small map whose entries expire after `ttl` seconds; absent values (nil) are cached too.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let ttl: TimeInterval
    private let capacity: Int
    private let entries = NIOLockedValueBox<[Key: (value: Value?, expires: Date)]>([:])

    init(ttl: TimeInterval, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The cached value, or the loaded one (which is then cached).
    func value(for key: Key, load: () async throws -> Value?) async throws -> Value? {
        let now = Date()
        if let entry = entries.withLockedValue({ $0[key] }), entry.expires > now { return entry.value }
        let value = try await load()
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, now.addingTimeInterval(ttl))
        }
        return value
    }

    /// Forgets a key.
    func invalidate(_ key: Key) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }
}
