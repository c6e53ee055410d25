import KSANStorage
import NIOCore

/// How the data plane reaches shards on OSDs: ``OSDClient`` over HTTP, or a fake in tests.
///
/// Errors are `StorageError`s: `.unavailable` when the host did not answer (no connection, timeout, cancelled),
/// `.notFound` or `.corrupt` when it answered that the shard is missing or damaged.
public protocol ShardTransport: Sendable {
    /// Writes one shard and returns once it is durable.
    func write(endpoint: String, disk: String, address: ShardAddress, data: ByteBuffer) async throws
    /// Reads one shard of `expectedLength` bytes, its checksums verified.
    func read(endpoint: String, disk: String, address: ShardAddress, expectedLength: Int) async throws -> ByteBuffer
    /// Deletes every shard of a data id on a disk.
    func delete(endpoint: String, disk: String, dataId: String) async throws
}

extension OSDClient: ShardTransport {}
