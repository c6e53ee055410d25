import KSANData
import KSANStorage
import NIOConcurrencyHelpers
import NIOCore

/// A shard transport in memory, with hosts that can be made to fail: no OSD, no network.
final class FakeShards: ShardTransport {
    /// How a host behaves.
    enum Behaviour: Sendable {
        case healthy
        /// Every request fails as if the host did not answer.
        case down
        /// Every request waits until it is cancelled.
        case hung
        /// Reads answer that the shard is corrupt; writes work.
        case corruptReads
    }

    private struct State {
        var shards: [String: ByteBuffer] = [:]
        var behaviour: [String: Behaviour] = [:]
        var reads: [String: Int] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Sets how the host at `endpoint` behaves from now on.
    func set(_ endpoint: String, _ behaviour: Behaviour) {
        state.withLockedValue { $0.behaviour[endpoint] = behaviour }
    }

    /// Shards stored of a data id.
    func count(dataId: String) -> Int {
        state.withLockedValue { $0.shards.keys.filter { $0.hasPrefix(dataId + "/") }.count }
    }

    /// Reads the host at `endpoint` was asked for.
    func reads(_ endpoint: String) -> Int {
        state.withLockedValue { $0.reads[endpoint] ?? 0 }
    }

    /// Removes one stored shard (a lost file).
    func lose(disk: String, address: ShardAddress) {
        _ = state.withLockedValue { $0.shards.removeValue(forKey: Self.key(disk, address)) }
    }

    private static func key(_ disk: String, _ address: ShardAddress) -> String {
        "\(address.dataId)/\(address.stripe)/\(address.shard)@\(disk)"
    }

    private func behave(_ endpoint: String) async throws -> Behaviour {
        let behaviour = state.withLockedValue { $0.behaviour[endpoint] ?? .healthy }
        switch behaviour {
        case .down: throw StorageError(.unavailable, "\(endpoint) is down")
        case .hung:
            try await Task.sleep(for: .seconds(3600))
            throw StorageError(.unavailable, "\(endpoint) hung")
        case .healthy, .corruptReads: return behaviour
        }
    }

    func write(endpoint: String, disk: String, address: ShardAddress, data: ByteBuffer) async throws {
        _ = try await behave(endpoint)
        state.withLockedValue { $0.shards[Self.key(disk, address)] = data }
    }

    func read(endpoint: String, disk: String, address: ShardAddress, expectedLength: Int) async throws -> ByteBuffer {
        state.withLockedValue { $0.reads[endpoint, default: 0] += 1 }
        if try await behave(endpoint) == .corruptReads { throw StorageError(.corrupt, "checksum mismatch") }
        guard let shard = state.withLockedValue({ $0.shards[Self.key(disk, address)] }) else {
            throw StorageError(.notFound, "no such shard")
        }
        guard shard.readableBytes == expectedLength else { throw StorageError(.corrupt, "wrong length") }
        return shard
    }

    func delete(endpoint: String, disk: String, dataId: String) async throws {
        _ = try await behave(endpoint)
        state.withLockedValue { state in
            for key in state.shards.keys where key.hasPrefix(dataId + "/") && key.hasSuffix("@" + disk) {
                state.shards.removeValue(forKey: key)
            }
        }
    }
}
