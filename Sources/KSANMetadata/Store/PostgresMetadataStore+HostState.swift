import Foundation
import KSANBus
import PostgresNIO

/// The Online or Offline state of hosts: set by an operator (held: heartbeats do not change it) or by the
/// ``HostMonitor`` from the OSDs' heartbeats. Each change is a topology change, announced on the bus, so gateways
/// route around an Offline host at once.
extension PostgresMetadataStore {
    /// An operator's state for a server: Offline is held until the operator sets Online, which returns the server to
    /// the heartbeats' judgement. Throws `.notFound`.
    public func setServerState(id: String, state: HostState) async throws {
        try await topologyChange(TopologyChange(change: "server.updated", id: id)) { connection in
            let held = state == .offline
            let updated = try await connection.query(
                """
                UPDATE hosts SET state = \(state.rawValue), state_held = \(held),
                    state_since = CASE WHEN state = \(state.rawValue) THEN state_since ELSE now() END
                WHERE id = \(id) RETURNING id
                """,
                logger: logger)
            guard try await !updated.collect().isEmpty else { throw MetadataError(.notFound, "No such server") }
        }
    }

    /// Applies the heartbeats' judgement: each host to its state, unless an operator holds its state or it is
    /// already in it. Returns the hosts that changed.
    @discardableResult
    public func applyHostStates(_ states: [String: HostState]) async throws -> [String: HostState] {
        var changed: [String: HostState] = [:]
        for (id, state) in states.sorted(by: { $0.key < $1.key }) {
            let applied = try await topologyChangeIfAny(TopologyChange(change: "server.updated", id: id)) {
                """
                UPDATE hosts SET state = \(state.rawValue), state_since = now()
                WHERE id = \(id) AND NOT state_held AND state <> \(state.rawValue) RETURNING id
                """
            }
            if applied { changed[id] = state }
        }
        for (id, state) in changed.sorted(by: { $0.key < $1.key }) {
            logger.notice("host \(state.rawValue.lowercased())", metadata: ["ksan.host": "\(id)"])
        }
        return changed
    }

    /// Raises disks to what their OSDs conclude of their failures (``DiskHealth``): a Good disk to Weak or Bad, a
    /// Weak one to Bad. Never lowers a state (an operator sets a replaced disk Good again) and leaves Disabled and
    /// Bad disks alone. Returns the disks that changed.
    @discardableResult
    public func raiseDiskStates(_ verdicts: [String: DiskHealth]) async throws -> [String: DiskHealth] {
        var changed: [String: DiskHealth] = [:]
        for (id, health) in verdicts.sorted(by: { $0.key < $1.key }) {
            let from = health == .bad ? ["Good", "Weak"] : ["Good"]
            let applied = try await topologyChangeIfAny(TopologyChange(change: "disk.updated", id: id)) {
                "UPDATE disks SET state = \(health.rawValue) WHERE id = \(id) AND state = ANY(\(from)) RETURNING id"
            }
            guard applied else { continue }
            changed[id] = health
            logger.warning("disk marked \(health.rawValue) after repeated failures", metadata: ["ksan.disk": "\(id)"])
        }
        return changed
    }

    /// Records what OSDs say of their disks' space (``DiskUsage/full``): a disk that became full or has room again is
    /// a topology change, so gateways stop (or resume) placing new shards on it at once. Returns the disks that
    /// changed.
    @discardableResult
    public func setDisksFull(_ fullness: [String: Bool]) async throws -> [String: Bool] {
        // One read finds what differs (nearly always nothing), so heartbeats cost no transaction per disk.
        let ids = Array(fullness.keys)
        let differing = try await read { connection in
            var differing: [String] = []
            let rows = try await connection.query(
                "SELECT id, is_full FROM disks WHERE id = ANY(\(ids))", logger: logger)
            for try await (id, full) in rows.decode((String, Bool).self) where fullness[id] != full {
                differing.append(id)
            }
            return differing
        }
        var changed: [String: Bool] = [:]
        for id in differing.sorted() {
            guard let full = fullness[id] else { continue }
            let applied = try await topologyChangeIfAny(TopologyChange(change: "disk.updated", id: id)) {
                "UPDATE disks SET is_full = \(full) WHERE id = \(id) AND is_full <> \(full) RETURNING id"
            }
            guard applied else { continue }
            changed[id] = full
            if full {
                logger.warning("disk full: no new shards go to it", metadata: ["ksan.disk": "\(id)"])
            } else {
                logger.notice("disk has room again", metadata: ["ksan.disk": "\(id)"])
            }
        }
        return changed
    }

    /// A topology change made of one `UPDATE ... RETURNING`: recorded (and announced) only if it updated a row;
    /// returns whether it did. One that changes nothing is rolled back, so no event is sent.
    func topologyChangeIfAny(_ change: TopologyChange, _ update: () -> PostgresQuery) async throws -> Bool {
        do {
            try await topologyChange(change) { connection in
                let updated = try await connection.query(update(), logger: logger)
                guard try await !updated.collect().isEmpty else { throw Unchanged() }
            }
            return true
        } catch is Unchanged {
            return false
        }
    }

    /// Rolls back a topology change that turned out to change nothing (no event is recorded then).
    private struct Unchanged: Error {}
}
