import Foundation
import KSANMetadata
import NIOConcurrencyHelpers

/// The gateway's copy of the cluster topology, refreshed from metadata when older than `maxAge`.
public final class TopologyCache: Sendable {
    private let metadata: any MetadataStore
    private let maxAge: TimeInterval
    private let state = NIOLockedValueBox<(topology: Topology, fetched: Date)?>(nil)

    /// Creates a cache.
    public init(metadata: any MetadataStore, maxAge: TimeInterval = 10) {
        self.metadata = metadata
        self.maxAge = maxAge
    }

    /// Forgets the cached copy: the next ``current()`` fetches the topology (a `topology.changed` event).
    public func invalidate() {
        state.withLockedValue { $0 = nil }
    }

    /// The topology, fetched again if stale. A stale copy is used if metadata cannot be reached.
    public func current() async throws -> Topology {
        let cached = state.withLockedValue { $0 }
        if let cached, Date().timeIntervalSince(cached.fetched) < maxAge { return cached.topology }
        do {
            let fresh = try await metadata.topology()
            state.withLockedValue { $0 = (fresh, Date()) }
            return fresh
        } catch {
            if let cached { return cached.topology }
            throw error
        }
    }
}
