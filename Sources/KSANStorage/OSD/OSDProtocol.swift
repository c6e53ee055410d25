import HTTPTypes

/// The OSD's HTTP API, shared by ``OSDRoutes`` and ``OSDClient``.
///
/// - `PUT /v1/disks/{disk}/data/{dataId}/{stripe}/{shard}`: store a shard (body: its bytes) durably; 201 when fsynced.
/// - `GET` the same path: the shard's bytes, every block checksum verified; 404 if absent, 422 if corrupt.
/// - `DELETE /v1/disks/{disk}/data/{dataId}`: delete every shard of the data on that disk; 204.
/// - `GET /v1/disks/{disk}/data/{dataId}`: the shard file names of the data on that disk, one a line.
/// - `GET /_ksan/health`: 200 with the host id and disk ids.
/// Errors carry the ``StorageError/Code`` in the `x-ksan-error` header.
public enum OSDProtocol {
    /// The header naming a ``StorageError/Code``.
    public static let errorHeader = HTTPField.Name("x-ksan-error")!
    /// The largest shard body accepted (a shard block is at most a few MiB).
    public static let maxShardBytes = 64 * 1024 * 1024

    /// The path of one shard.
    public static func shardPath(disk: String, _ address: ShardAddress) -> String {
        "/v1/disks/\(disk)/data/\(address.dataId)/\(address.stripe)/\(address.shard)"
    }

    /// The path of all shards of a data id on a disk.
    public static func dataPath(disk: String, dataId: String) -> String {
        "/v1/disks/\(disk)/data/\(dataId)"
    }
}
