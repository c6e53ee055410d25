import AsyncHTTPClient
import Foundation
import KSANBus
import KSANCore
import NIOCore
import NIOHTTP1

/// The ``MetadataStore`` of the gateway: every operation is a call to the metadata service's HTTP API.
///
/// Keys, prefixes and markers travel in JSON bodies, never in URLs, so any Unicode (`/`, `?`, `#`, `%`, `+`, spaces)
/// is safe. An error answered by the service is thrown as the ``MetadataError`` it sent, code preserved; a service that
/// cannot be reached (connection refused, timeout) is ``MetadataError/Code/unavailable``.
public final class MetadataClient: MetadataStore, Sendable {
    /// The service's base URL, without a trailing slash (`http://127.0.0.1:9300`).
    public let baseURL: String
    /// The HTTP client the calls go through (owned by the caller).
    public let httpClient: HTTPClient
    /// How long one call may take.
    public let timeout: TimeAmount
    /// The largest response body accepted.
    public let maxResponseSize: Int
    /// The cluster key that signs every call, if the service requires one.
    let clusterKey: ClusterKey?
    /// The path part of `baseURL`, which prefixes the signed path.
    let basePath: String

    /// Creates a client of the service at `baseURL`, over an `HTTPClient` the caller owns and shuts down.
    public init(
        baseURL: String, httpClient: HTTPClient, timeout: TimeAmount = .seconds(30),
        maxResponseSize: Int = 256 * 1024 * 1024, clusterKey: ClusterKey? = nil
    ) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxResponseSize = maxResponseSize
        self.clusterKey = clusterKey
        self.basePath = URLComponents(string: url)?.percentEncodedPath ?? ""
    }

    // MARK: Calls

    /// Posts `input` as JSON to `path` and decodes the JSON answer.
    func call<Input: Encodable, Output: Decodable>(
        _ path: String, _ input: Input, as output: Output.Type = Output.self
    ) async throws -> Output {
        let body = try await send(path, input, accept: "application/json")
        do {
            return try MetadataJSON.decoder().decode(Output.self, from: body)
        } catch {
            throw MetadataError(.internal, "the metadata service sent an unexpected \(Output.self): \(error)")
        }
    }

    /// Posts `input` as JSON to a listing route and decodes the page from its binary form (``ListingWire``).
    func callListing<Input: Encodable, Output: ListingWire>(
        _ path: String, _ input: Input, as output: Output.Type = Output.self
    ) async throws -> Output {
        let body = try await send(path, input, accept: Output.mediaType)
        do {
            return try Output(wire: body)
        } catch {
            throw MetadataError(.internal, "the metadata service sent an unexpected \(Output.self): \(error)")
        }
    }

    /// Posts `input` as JSON to `path` and returns the body of a 200 answer; any other answer is thrown as the
    /// ``MetadataError`` the service sent, or as `unavailable`/`internal` by its status.
    func send<Input: Encodable>(_ path: String, _ input: Input, accept: String) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: accept)
        let requestBody: ByteBuffer
        do {
            requestBody = ByteBuffer(bytes: try MetadataJSON.encoder().encode(input))
        } catch {
            throw MetadataError(.invalidArgument, "cannot encode the request: \(error)")
        }
        for (name, value) in clusterKey?.headers(method: "POST", path: basePath + path, body: requestBody) ?? [] {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(requestBody)

        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = response.status
            body = try await response.body.collect(upTo: maxResponseSize)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw MetadataError(.unavailable, "the metadata service at \(baseURL) is unavailable: \(error)")
        }
        guard status == .ok else {
            if let error = try? MetadataJSON.decoder().decode(MetadataError.self, from: body) {
                throw error
            }
            if status == .serviceUnavailable || status == .badGateway || status == .gatewayTimeout {
                throw MetadataError(.unavailable, "the metadata service answered \(status)")
            }
            throw MetadataError(.internal, "the metadata service answered \(status)")
        }
        return body
    }

    // MARK: MetadataStore

    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await call(
            MetadataAPI.Path.accessKey, MetadataAPI.AccessKeyRequest(accessKeyId: id),
            as: MetadataAPI.AccessKeyResponse.self
        ).accessKey
    }

    public func topology() async throws -> Topology {
        try await call(MetadataAPI.Path.topology, MetadataAPI.Empty())
    }

    /// Validates and stores a topology in the service (see ``PostgresMetadataStore/loadTopology(_:)``).
    public func loadTopology(_ topology: Topology) async throws {
        _ = try await call(MetadataAPI.Path.loadTopology, topology, as: MetadataAPI.Empty.self)
    }

    public func listBuckets(ownerId: String) async throws -> [BucketRecord] {
        try await call(
            MetadataAPI.Path.listBuckets, MetadataAPI.ListBucketsRequest(ownerId: ownerId),
            as: MetadataAPI.ListBucketsResponse.self
        ).buckets
    }

    public func createBucket(_ bucket: BucketRecord) async throws {
        _ = try await call(MetadataAPI.Path.createBucket, bucket, as: MetadataAPI.Empty.self)
    }

    public func bucket(name: String) async throws -> BucketRecord? {
        try await call(
            MetadataAPI.Path.bucket, MetadataAPI.BucketRequest(name: name), as: MetadataAPI.BucketResponse.self
        ).bucket
    }

    public func deleteBucket(_ bucket: BucketRef) async throws -> [DataLayout] {
        try await call(
            MetadataAPI.Path.deleteBucket, MetadataAPI.BucketRequest(name: bucket.name, id: bucket.id),
            as: MetadataAPI.GarbageResponse.self
        ).garbage
    }

    public func bucketConfig(_ bucket: BucketRef, kind: BucketConfigKind) async throws -> String? {
        try await call(
            MetadataAPI.Path.bucketConfig, MetadataAPI.BucketConfigRequest(bucket: bucket, kind: kind),
            as: MetadataAPI.BucketConfigResponse.self
        ).document
    }

    public func setBucketConfig(_ bucket: BucketRef, kind: BucketConfigKind, document: String?) async throws {
        _ = try await call(
            MetadataAPI.Path.setBucketConfig,
            MetadataAPI.BucketConfigRequest(bucket: bucket, kind: kind, document: document),
            as: MetadataAPI.Empty.self)
    }

    public func zone(named name: String) async throws -> ZoneRecord? {
        try await call(
            MetadataAPI.Path.zone, MetadataAPI.ZoneRequest(name: name), as: MetadataAPI.ZoneResponse.self
        ).zone
    }

    public func setVersioning(_ bucket: BucketRef, status: VersioningStatus) async throws {
        _ = try await call(
            MetadataAPI.Path.setVersioning, MetadataAPI.VersioningRequest(bucket: bucket, status: status),
            as: MetadataAPI.Empty.self)
    }

    public func setObjectTagging(bucket: BucketRef, key: String, versionId: String?, tagging: String?) async throws
        -> String
    {
        try await call(
            MetadataAPI.Path.setObjectTagging,
            MetadataAPI.ObjectTaggingRequest(bucket: bucket, key: key, versionId: versionId, tagging: tagging),
            as: MetadataAPI.VersionIdResponse.self
        ).versionId
    }

    public func object(bucket: BucketRef, key: String, versionId: String?) async throws -> ObjectVersion? {
        try await call(
            MetadataAPI.Path.object, MetadataAPI.ObjectRequest(bucket: bucket, key: key, versionId: versionId),
            as: MetadataAPI.ObjectResponse.self
        ).object
    }

    public func commitObject(_ version: ObjectVersion, in bucket: BucketRef, condition: WriteCondition) async throws
        -> CommittedVersion
    {
        try await call(
            MetadataAPI.Path.putObject,
            MetadataAPI.PutObjectRequest(version: version, bucket: bucket, condition: condition))
    }

    public func deleteObject(bucket: BucketRef, key: String, versionId: String?, bypassGovernance: Bool)
        async throws -> DeletedVersion
    {
        try await call(
            MetadataAPI.Path.deleteObject,
            MetadataAPI.ObjectRequest(
                bucket: bucket, key: key, versionId: versionId, bypassGovernance: bypassGovernance))
    }

    public func setObjectLockConfiguration(_ bucket: BucketRef, defaultRetention: DefaultRetention?) async throws {
        _ = try await call(
            MetadataAPI.Path.setObjectLock,
            MetadataAPI.ObjectLockRequest(bucket: bucket, defaultRetention: defaultRetention),
            as: MetadataAPI.Empty.self)
    }

    public func setObjectRetention(
        bucket: BucketRef, key: String, versionId: String?, mode: ObjectLockMode?, retainUntil: Date?,
        bypassGovernance: Bool
    ) async throws -> String {
        try await call(
            MetadataAPI.Path.setObjectRetention,
            MetadataAPI.RetentionRequest(
                bucket: bucket, key: key, versionId: versionId, mode: mode, retainUntil: retainUntil,
                bypassGovernance: bypassGovernance),
            as: MetadataAPI.VersionIdResponse.self
        ).versionId
    }

    public func setObjectLegalHold(bucket: BucketRef, key: String, versionId: String?, on: Bool) async throws
        -> String
    {
        try await call(
            MetadataAPI.Path.setObjectLegalHold,
            MetadataAPI.LegalHoldRequest(bucket: bucket, key: key, versionId: versionId, on: on),
            as: MetadataAPI.VersionIdResponse.self
        ).versionId
    }

    public func listObjects(bucket: BucketRef, query: ListObjectsQuery) async throws -> ListObjectsResult {
        try await callListing(
            MetadataAPI.Path.listObjects, MetadataAPI.ListObjectsRequest(bucket: bucket, query: query))
    }

    public func listObjectVersions(bucket: BucketRef, query: ListVersionsQuery) async throws -> ListVersionsResult {
        try await callListing(
            MetadataAPI.Path.listObjectVersions, MetadataAPI.ListVersionsRequest(bucket: bucket, query: query))
    }

    public func registerIntent(_ intent: WriteIntent) async throws {
        _ = try await call(MetadataAPI.Path.registerIntent, intent, as: MetadataAPI.Empty.self)
    }

    public func touchIntent(dataId: String) async throws -> Bool {
        try await call(
            MetadataAPI.Path.touchIntent, MetadataAPI.DropIntentRequest(dataId: dataId),
            as: MetadataAPI.TouchedResponse.self
        ).alive
    }

    public func dropIntent(dataId: String) async throws {
        _ = try await call(
            MetadataAPI.Path.dropIntent, MetadataAPI.DropIntentRequest(dataId: dataId), as: MetadataAPI.Empty.self
        )
    }

    public func createUpload(_ upload: MultipartUpload, in bucket: BucketRef) async throws {
        _ = try await call(
            MetadataAPI.Path.createUpload, MetadataAPI.CreateUploadRequest(upload: upload, bucket: bucket),
            as: MetadataAPI.Empty.self)
    }

    public func upload(bucket: BucketRef, key: String, uploadId: String) async throws -> MultipartUpload? {
        try await call(
            MetadataAPI.Path.upload, MetadataAPI.UploadRequest(bucket: bucket, key: key, uploadId: uploadId),
            as: MetadataAPI.UploadResponse.self
        ).upload
    }

    public func putPart(bucket: BucketRef, key: String, uploadId: String, part: PartRecord) async throws
        -> [DataLayout]
    {
        try await call(
            MetadataAPI.Path.putPart,
            MetadataAPI.PutPartRequest(bucket: bucket, key: key, uploadId: uploadId, part: part),
            as: MetadataAPI.GarbageResponse.self
        ).garbage
    }

    public func listParts(bucket: BucketRef, key: String, uploadId: String, partNumberMarker: Int, maxParts: Int)
        async throws -> ListPartsResult
    {
        try await call(
            MetadataAPI.Path.listParts,
            MetadataAPI.ListPartsRequest(
                bucket: bucket, key: key, uploadId: uploadId, partNumberMarker: partNumberMarker, maxParts: maxParts
            )
        )
    }

    public func completeUpload(
        bucket: BucketRef, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition,
        headers: [String: String]?, responseElements: [String: String]
    ) async throws -> (version: ObjectVersion, garbage: [DataLayout]) {
        let response = try await call(
            MetadataAPI.Path.completeUpload,
            MetadataAPI.CompleteUploadRequest(
                bucket: bucket, key: key, uploadId: uploadId, parts: parts, condition: condition, headers: headers,
                responseElements: responseElements
            ),
            as: MetadataAPI.CompleteUploadResponse.self
        )
        return (response.version, response.garbage)
    }

    public func completedUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> CompletedUpload? {
        try await call(
            MetadataAPI.Path.completedUpload, MetadataAPI.UploadRequest(bucket: bucket, key: key, uploadId: uploadId),
            as: MetadataAPI.CompletedUploadResponse.self
        ).completed
    }

    public func abortUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> [DataLayout] {
        try await call(
            MetadataAPI.Path.abortUpload, MetadataAPI.UploadRequest(bucket: bucket, key: key, uploadId: uploadId),
            as: MetadataAPI.GarbageResponse.self
        ).garbage
    }

    public func listUploads(bucket: BucketRef, query: ListUploadsQuery) async throws -> ListUploadsResult {
        try await call(MetadataAPI.Path.listUploads, MetadataAPI.ListUploadsRequest(bucket: bucket, query: query))
    }

    public func garbage(limit: Int, intentAge: Double, grace: Double, lease: Double) async throws -> [GarbageItem] {
        try await call(
            MetadataAPI.Path.garbage,
            MetadataAPI.GarbageRequest(limit: limit, intentAge: intentAge, grace: grace, lease: lease),
            as: MetadataAPI.GarbageItemsResponse.self
        ).items
    }

    public func queueRepair(_ layout: DataLayout) async throws {
        _ = try await call(MetadataAPI.Path.queueRepair, layout, as: MetadataAPI.Empty.self)
    }

    public func queueRepair(dataId: String) async throws -> Bool {
        try await call(
            MetadataAPI.Path.queueRepairOfData, MetadataAPI.QueueRepairOfDataRequest(dataId: dataId),
            as: MetadataAPI.QueuedResponse.self
        ).queued
    }

    public func serviceSettings(kind: ServiceKind) async throws -> ServiceSettings? {
        try await call(
            MetadataAPI.Path.serviceSettings, MetadataAPI.SettingsRequest(kind: kind),
            as: MetadataAPI.SettingsResponse.self
        ).settings
    }

    public func repairs(limit: Int, dropAfter: Double, lease: Double) async throws -> [RepairItem] {
        try await call(
            MetadataAPI.Path.repairs, MetadataAPI.RepairsRequest(limit: limit, dropAfter: dropAfter, lease: lease),
            as: MetadataAPI.RepairsResponse.self
        ).items
    }

    public func ackRepairs(_ items: [RepairItem]) async throws {
        _ = try await call(
            MetadataAPI.Path.ackRepairs, MetadataAPI.AckRepairsRequest(items: items), as: MetadataAPI.Empty.self)
    }

    public func releaseRepairs(_ items: [RepairItem]) async throws {
        _ = try await call(
            MetadataAPI.Path.releaseRepairs, MetadataAPI.AckRepairsRequest(items: items), as: MetadataAPI.Empty.self)
    }

    public func placements(diskIds: [String], after: String?, limit: Int) async throws -> [DataLayout] {
        try await call(
            MetadataAPI.Path.placements, MetadataAPI.PlacementsRequest(diskIds: diskIds, after: after, limit: limit),
            as: MetadataAPI.PlacementsResponse.self
        ).layouts
    }

    public func moveShards(dataId: String, moves: [ShardMove]) async throws -> DataLayout? {
        try await call(
            MetadataAPI.Path.moveShards, MetadataAPI.MoveShardsRequest(dataId: dataId, moves: moves),
            as: MetadataAPI.LayoutResponse.self
        ).layout
    }

    public func diskLoads(poolId: String) async throws -> [String: Int64] {
        try await call(
            MetadataAPI.Path.diskLoads, MetadataAPI.PoolRequest(poolId: poolId), as: MetadataAPI.DiskLoadsResponse.self
        ).loads
    }

    public func finishRebalance(poolId: String, since: Date) async throws {
        _ = try await call(
            MetadataAPI.Path.finishRebalance, MetadataAPI.FinishRebalanceRequest(poolId: poolId, since: since),
            as: MetadataAPI.Empty.self)
    }

    public func unknownDataIds(_ dataIds: [String], onDisk disk: String? = nil) async throws -> [String] {
        try await call(
            MetadataAPI.Path.unknownDataIds, MetadataAPI.DataIdsRequest(dataIds: dataIds, disk: disk),
            as: MetadataAPI.DataIdsResponse.self
        ).dataIds
    }

    public func ackGarbage(ids: [Int64]) async throws {
        _ = try await call(
            MetadataAPI.Path.ackGarbage, MetadataAPI.AckGarbageRequest(ids: ids), as: MetadataAPI.Empty.self)
    }

    public func releaseGarbage(ids: [Int64]) async throws {
        _ = try await call(
            MetadataAPI.Path.releaseGarbage, MetadataAPI.AckGarbageRequest(ids: ids), as: MetadataAPI.Empty.self)
    }

    public func outboxBacklog() async throws -> OutboxBacklog {
        try await call(MetadataAPI.Path.outboxBacklog, MetadataAPI.Empty(), as: OutboxBacklog.self)
    }
}
