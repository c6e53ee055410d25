import Foundation
import NIOConcurrencyHelpers

/// A small map whose entries expire after `ttl` seconds; absent values (nil) are cached too.
///
/// An invalidation also wins over loads that were in flight when it happened: a value loaded before an
/// invalidation is returned to its caller but never cached, so the next lookup loads afresh.
final class TTLCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: (value: Value?, expires: Date)] = [:]
        /// Counts invalidations; a load caches its value only if none happened while it ran.
        var generation: UInt64 = 0
    }

    private let ttl: TimeInterval
    private let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(ttl: TimeInterval, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The cached value, or the loaded one (which is then cached unless an invalidation came meanwhile).
    func value(for key: Key, load: () async throws -> Value?) async throws -> Value? {
        let now = Date()
        let (cached, generation) = state.withLockedValue { state in
            (state.entries[key].flatMap { $0.expires > now ? $0 : nil }, state.generation)
        }
        if let cached { return cached.value }
        let value = try await load()
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = (value, now.addingTimeInterval(ttl))
        }
        return value
    }

    /// Forgets a key, and keeps loads in flight from caching what they read.
    func invalidate(_ key: Key) {
        state.withLockedValue { state in
            state.entries.removeValue(forKey: key)
            state.generation &+= 1
        }
    }
}
