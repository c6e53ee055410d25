import AsyncHTTPClient
import KSANCore
import NIOCore
import NIOHTTP1

/// Talks to OSDs over ``OSDProtocol``.
public struct OSDClient: Sendable {
    let http: HTTPClient
    let timeout: TimeAmount
    let clusterKey: ClusterKey?

    /// Creates a client over a shared HTTP client; with a cluster key, every request is signed with it.
    public init(httpClient: HTTPClient, timeout: TimeAmount = .seconds(30), clusterKey: ClusterKey? = nil) {
        self.http = httpClient
        self.timeout = timeout
        self.clusterKey = clusterKey
    }

    /// Stores one shard; returns once the OSD has fsynced it.
    public func write(endpoint: String, disk: String, address: ShardAddress, data: ByteBuffer) async throws {
        let path = OSDProtocol.shardPath(disk: disk, address)
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .PUT
        request.body = .bytes(data)
        let response = try await execute(request, path: path, body: data)
        guard response.status == .created else { throw try await error(from: response, endpoint: endpoint) }
        _ = try? await response.body.collect(upTo: 64 * 1024)
    }

    /// Reads one shard, checksums verified by the OSD.
    /// - Throws: ``StorageError`` `.notFound`, `.corrupt`, or `.unavailable`.
    public func read(endpoint: String, disk: String, address: ShardAddress, expectedLength: Int) async throws
        -> ByteBuffer
    {
        guard (0...OSDProtocol.maxShardBytes).contains(expectedLength) else {
            throw StorageError(.invalidAddress, "a shard of \(expectedLength) bytes cannot exist")
        }
        let path = OSDProtocol.shardPath(disk: disk, address)
        let response = try await execute(HTTPClientRequest(url: endpoint + path), path: path)
        guard response.status == .ok else { throw try await error(from: response, endpoint: endpoint) }
        let body = try await response.body.collect(upTo: expectedLength + 1)
        guard body.readableBytes == expectedLength else {
            throw StorageError(
                .corrupt, "shard \(address) on \(disk) has \(body.readableBytes) bytes, expected \(expectedLength)")
        }
        return body
    }

    /// Deletes every shard of a data id on a disk.
    public func delete(endpoint: String, disk: String, dataId: String) async throws {
        let path = OSDProtocol.dataPath(disk: disk, dataId: dataId)
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .DELETE
        let response = try await execute(request, path: path)
        guard response.status == .noContent else { throw try await error(from: response, endpoint: endpoint) }
    }

    /// Sends a request to `path` on an OSD, signed with the cluster key if there is one (over `body` too).
    func execute(_ request: HTTPClientRequest, path: String, body: ByteBuffer = ByteBuffer()) async throws
        -> HTTPClientResponse
    {
        var request = request
        if let clusterKey {
            for (name, value) in clusterKey.headers(method: request.method.rawValue, path: path, body: body) {
                request.headers.add(name: name, value: value)
            }
        }
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            throw StorageError(.unavailable, "\(request.url): \(error)")
        }
    }

    func error(from response: HTTPClientResponse, endpoint: String) async throws -> StorageError {
        let message = (try? await response.body.collect(upTo: 4096)).map { String(buffer: $0) } ?? ""
        if let name = response.headers.first(name: "x-ksan-error"), let code = StorageError.Code(rawValue: name) {
            return StorageError(code, message)
        }
        return StorageError(.unavailable, "\(endpoint) answered \(response.status.code)")
    }
}
