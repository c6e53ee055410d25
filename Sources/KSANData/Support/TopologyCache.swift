import Foundation
import KSANMetadata
import NIOConcurrencyHelpers

/// The gateway's copy of the cluster topology, refreshed from metadata when older than `maxAge`.
public final class TopologyCache: Sendable {
    private let fetch: @Sendable () async throws -> Topology
    private let maxAge: TimeInterval
    private let state = NIOLockedValueBox<(topology: Topology, fetched: Date)?>(nil)

    /// Creates a cache of the topology in metadata.
    public convenience init(metadata: any MetadataStore, maxAge: TimeInterval = 10) {
        self.init(maxAge: maxAge) { try await metadata.topology() }
    }

    /// Creates a cache of the topology `fetch` returns.
    public init(maxAge: TimeInterval = 10, fetch: @escaping @Sendable () async throws -> Topology) {
        self.fetch = fetch
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
            let fresh = try await fetch()
            state.withLockedValue { $0 = (fresh, Date()) }
            return fresh
        } catch {
            if let cached { return cached.topology }
            throw error
        }
    }
}
