import Foundation
import Hummingbird
import KSANCore
import Logging

/// The HTTP routes of the metadata API: every ``MetadataStore`` operation as a JSON `POST` under `/v1/`
/// (see ``MetadataAPI`` and `docs/metadata-api.md`), plus `GET /_ksan/health` and `GET /_ksan/ready`.
public struct MetadataRoutes: Sendable {
    /// The store that answers.
    public let store: PostgresMetadataStore
    /// The largest request body accepted.
    public let maxBodySize: Int
    let logger: Logger

    /// Creates the routes of a store.
    public init(store: PostgresMetadataStore, maxBodySize: Int = 64 * 1024 * 1024, logger: Logger) {
        self.store = store
        self.maxBodySize = maxBodySize
        self.logger = logger
    }

    /// Adds the error middleware and every route to a router.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.add(middleware: MetadataErrorMiddleware<Context>(logger: logger))
        router.get(RouterPath(MetadataAPI.Path.health)) { _, _ in
            try Self.json(["status": "ok"])
        }
        router.get(RouterPath(MetadataAPI.Path.ready)) { [store] _, _ in
            _ = try await store.topology()
            return try Self.json(["status": "ok"])
        }
        router.get("metrics") { [store] _, _ in
            // The queues are read at each scrape; a database that does not answer leaves them as they were.
            if let queues = try? await store.queueLengths() { MetadataMetrics.update(queues) }
            return MetricsExporter.response()
        }
        let store = self.store
        post(router, MetadataAPI.Path.accessKey) { (request: MetadataAPI.AccessKeyRequest) in
            MetadataAPI.AccessKeyResponse(accessKey: try await store.accessKey(id: request.accessKeyId))
        }
        post(router, MetadataAPI.Path.topology) { (_: MetadataAPI.Empty) in
            try await store.topology()
        }
        post(router, MetadataAPI.Path.loadTopology) { (topology: Topology) in
            try await store.loadTopology(topology)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.listBuckets) { (request: MetadataAPI.ListBucketsRequest) in
            MetadataAPI.ListBucketsResponse(buckets: try await store.listBuckets(ownerId: request.ownerId))
        }
        post(router, MetadataAPI.Path.createBucket) { (bucket: BucketRecord) in
            try await store.createBucket(bucket)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.bucket) { (request: MetadataAPI.BucketRequest) in
            MetadataAPI.BucketResponse(bucket: try await store.bucket(name: request.name))
        }
        post(router, MetadataAPI.Path.deleteBucket) { (request: MetadataAPI.BucketRequest) in
            MetadataAPI.GarbageResponse(
                garbage: try await store.deleteBucket(BucketRef(name: request.name, id: request.id)))
        }
        post(router, MetadataAPI.Path.bucketConfig) { (request: MetadataAPI.BucketConfigRequest) in
            MetadataAPI.BucketConfigResponse(
                document: try await store.bucketConfig(request.bucket, kind: request.kind))
        }
        post(router, MetadataAPI.Path.setBucketConfig) { (request: MetadataAPI.BucketConfigRequest) in
            try await store.setBucketConfig(request.bucket, kind: request.kind, document: request.document)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.zone) { (request: MetadataAPI.ZoneRequest) in
            MetadataAPI.ZoneResponse(zone: try await store.zone(named: request.name))
        }
        post(router, MetadataAPI.Path.setVersioning) { (request: MetadataAPI.VersioningRequest) in
            try await store.setVersioning(request.bucket, status: request.status)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.setObjectTagging) { (request: MetadataAPI.ObjectTaggingRequest) in
            MetadataAPI.VersionIdResponse(
                versionId: try await store.setObjectTagging(
                    bucket: request.bucket, key: request.key, versionId: request.versionId, tagging: request.tagging))
        }
        post(router, MetadataAPI.Path.object) { (request: MetadataAPI.ObjectRequest) in
            MetadataAPI.ObjectResponse(
                object: try await store.object(bucket: request.bucket, key: request.key, versionId: request.versionId))
        }
        post(router, MetadataAPI.Path.putObject) { (request: MetadataAPI.PutObjectRequest) in
            try await store.commitObject(
                request.version, in: request.bucket, condition: request.condition ?? WriteCondition())
        }
        post(router, MetadataAPI.Path.deleteObject) { (request: MetadataAPI.ObjectRequest) in
            try await store.deleteObject(
                bucket: request.bucket, key: request.key, versionId: request.versionId,
                bypassGovernance: request.bypassGovernance ?? false)
        }
        post(router, MetadataAPI.Path.setObjectLock) { (request: MetadataAPI.ObjectLockRequest) in
            try await store.setObjectLockConfiguration(request.bucket, defaultRetention: request.defaultRetention)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.setObjectRetention) { (request: MetadataAPI.RetentionRequest) in
            MetadataAPI.VersionIdResponse(
                versionId: try await store.setObjectRetention(
                    bucket: request.bucket, key: request.key, versionId: request.versionId, mode: request.mode,
                    retainUntil: request.retainUntil, bypassGovernance: request.bypassGovernance))
        }
        post(router, MetadataAPI.Path.setObjectLegalHold) { (request: MetadataAPI.LegalHoldRequest) in
            MetadataAPI.VersionIdResponse(
                versionId: try await store.setObjectLegalHold(
                    bucket: request.bucket, key: request.key, versionId: request.versionId, on: request.on))
        }
        postListing(router, MetadataAPI.Path.listObjects, of: ListObjectsResult.self) {
            (request: MetadataAPI.ListObjectsRequest) in
            try await store.listObjectsWire(bucket: request.bucket, query: request.query)
        }
        postListing(router, MetadataAPI.Path.listObjectVersions, of: ListVersionsResult.self) {
            (request: MetadataAPI.ListVersionsRequest) in
            try await store.listObjectVersionsWire(bucket: request.bucket, query: request.query)
        }
        post(router, MetadataAPI.Path.registerIntent) { (intent: WriteIntent) in
            try await store.registerIntent(intent)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.touchIntent) { (request: MetadataAPI.DropIntentRequest) in
            MetadataAPI.TouchedResponse(alive: try await store.touchIntent(dataId: request.dataId))
        }
        post(router, MetadataAPI.Path.dropIntent) { (request: MetadataAPI.DropIntentRequest) in
            try await store.dropIntent(dataId: request.dataId)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.createUpload) { (request: MetadataAPI.CreateUploadRequest) in
            try await store.createUpload(request.upload, in: request.bucket)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.upload) { (request: MetadataAPI.UploadRequest) in
            MetadataAPI.UploadResponse(
                upload: try await store.upload(bucket: request.bucket, key: request.key, uploadId: request.uploadId)
            )
        }
        post(router, MetadataAPI.Path.putPart) { (request: MetadataAPI.PutPartRequest) in
            MetadataAPI.GarbageResponse(
                garbage: try await store.putPart(
                    bucket: request.bucket, key: request.key, uploadId: request.uploadId, part: request.part
                )
            )
        }
        post(router, MetadataAPI.Path.listParts) { (request: MetadataAPI.ListPartsRequest) in
            try await store.listParts(
                bucket: request.bucket, key: request.key, uploadId: request.uploadId,
                partNumberMarker: request.partNumberMarker, maxParts: request.maxParts
            )
        }
        post(router, MetadataAPI.Path.completeUpload) { (request: MetadataAPI.CompleteUploadRequest) in
            let (version, garbage) = try await store.completeUpload(
                bucket: request.bucket, key: request.key, uploadId: request.uploadId, parts: request.parts,
                condition: request.condition ?? WriteCondition(), headers: request.headers,
                responseElements: request.responseElements ?? [:]
            )
            return MetadataAPI.CompleteUploadResponse(version: version, garbage: garbage)
        }
        post(router, MetadataAPI.Path.completedUpload) { (request: MetadataAPI.UploadRequest) in
            MetadataAPI.CompletedUploadResponse(
                completed: try await store.completedUpload(
                    bucket: request.bucket, key: request.key, uploadId: request.uploadId)
            )
        }
        post(router, MetadataAPI.Path.abortUpload) { (request: MetadataAPI.UploadRequest) in
            MetadataAPI.GarbageResponse(
                garbage: try await store.abortUpload(
                    bucket: request.bucket, key: request.key, uploadId: request.uploadId
                )
            )
        }
        post(router, MetadataAPI.Path.listUploads) { (request: MetadataAPI.ListUploadsRequest) in
            try await store.listUploads(bucket: request.bucket, query: request.query)
        }
        post(router, MetadataAPI.Path.garbage) { (request: MetadataAPI.GarbageRequest) in
            MetadataAPI.GarbageItemsResponse(
                items: try await store.garbage(
                    limit: request.limit, intentAge: request.intentAge, grace: request.grace, lease: request.lease ?? 0)
            )
        }
        post(router, MetadataAPI.Path.queueRepair) { (layout: DataLayout) in
            try await store.queueRepair(layout)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.queueRepairOfData) { (request: MetadataAPI.QueueRepairOfDataRequest) in
            MetadataAPI.QueuedResponse(queued: try await store.queueRepair(dataId: request.dataId))
        }
        post(router, MetadataAPI.Path.repairs) { (request: MetadataAPI.RepairsRequest) in
            MetadataAPI.RepairsResponse(
                items: try await store.repairs(
                    limit: request.limit, dropAfter: request.dropAfter, lease: request.lease ?? 0))
        }
        post(router, MetadataAPI.Path.serviceSettings) { (request: MetadataAPI.SettingsRequest) in
            MetadataAPI.SettingsResponse(settings: try await store.serviceSettings(kind: request.kind))
        }
        post(router, MetadataAPI.Path.ackRepairs) { (request: MetadataAPI.AckRepairsRequest) in
            try await store.ackRepairs(request.items)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.releaseRepairs) { (request: MetadataAPI.AckRepairsRequest) in
            try await store.releaseRepairs(request.items)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.placements) { (request: MetadataAPI.PlacementsRequest) in
            MetadataAPI.PlacementsResponse(
                layouts: try await store.placements(
                    diskIds: request.diskIds, after: request.after, limit: request.limit))
        }
        post(router, MetadataAPI.Path.moveShards) { (request: MetadataAPI.MoveShardsRequest) in
            MetadataAPI.LayoutResponse(layout: try await store.moveShards(dataId: request.dataId, moves: request.moves))
        }
        post(router, MetadataAPI.Path.diskLoads) { (request: MetadataAPI.PoolRequest) in
            MetadataAPI.DiskLoadsResponse(loads: try await store.diskLoads(poolId: request.poolId))
        }
        post(router, MetadataAPI.Path.finishRebalance) { (request: MetadataAPI.FinishRebalanceRequest) in
            try await store.finishRebalance(poolId: request.poolId, since: request.since)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.unknownDataIds) { (request: MetadataAPI.DataIdsRequest) in
            MetadataAPI.DataIdsResponse(dataIds: try await store.unknownDataIds(request.dataIds, onDisk: request.disk))
        }
        post(router, MetadataAPI.Path.ackGarbage) { (request: MetadataAPI.AckGarbageRequest) in
            try await store.ackGarbage(ids: request.ids)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.releaseGarbage) { (request: MetadataAPI.AckGarbageRequest) in
            try await store.releaseGarbage(ids: request.ids)
            return MetadataAPI.Empty()
        }
        post(router, MetadataAPI.Path.outboxBacklog) { (_: MetadataAPI.Empty) in
            try await store.outboxBacklog()
        }
    }

    /// Adds a `POST` route that decodes its JSON body, runs `handler` and encodes its result as JSON.
    func post<Context: RequestContext, Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ router: Router<Context>, _ path: String, _ handler: @escaping @Sendable (Input) async throws -> Output
    ) {
        let maxBodySize = self.maxBodySize
        router.post(RouterPath(path)) { request, _ in
            try Self.json(try await handler(try await Self.input(of: request, maxBodySize: maxBodySize)))
        }
    }

    /// Adds a `POST` route for a listing: like ``post(_:_:_:)``, but the handler gives the page in the binary form of
    /// ``ListingWire``, which is answered as it is when the caller's `Accept` names its media type, and as the JSON of
    /// `Output` otherwise.
    func postListing<Context: RequestContext, Input: Decodable & Sendable, Output: Encodable & ListingWire>(
        _ router: Router<Context>, _ path: String, of output: Output.Type,
        _ handler: @escaping @Sendable (Input) async throws -> ByteBuffer
    ) {
        let maxBodySize = self.maxBodySize
        router.post(RouterPath(path)) { request, _ in
            let page = try await handler(try await Self.input(of: request, maxBodySize: maxBodySize))
            guard request.headers[.accept]?.contains(Output.mediaType) == true else {
                return try Self.json(try PostgresMetadataStore.decode(page) as Output)
            }
            return Response(
                status: .ok, headers: [.contentType: Output.mediaType], body: ResponseBody(byteBuffer: page))
        }
    }

    /// The JSON body of a request, decoded.
    static func input<Input: Decodable>(of request: Request, maxBodySize: Int) async throws -> Input {
        let body = try await request.body.collect(upTo: maxBodySize)
        // PostgreSQL can store a NUL in neither text nor JSON: refused as the caller's error, not a 500.
        guard !containsEscapedNUL(body) else {
            throw MetadataError(.invalidArgument, "The request contains a NUL character")
        }
        do {
            return try MetadataJSON.decoder().decode(Input.self, from: body)
        } catch {
            throw MetadataError(.invalidArgument, "The request body is not a valid \(Input.self): \(error)")
        }
    }

    /// Whether a JSON text holds the escape `\u0000` (a NUL): a `\` that is itself unescaped (an even number of
    /// backslashes before it), then `u0000`. A raw NUL byte cannot appear in valid JSON at all.
    static func containsEscapedNUL(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            if bytes.contains(0) { return true }
            var index = 0
            while index + 5 < bytes.count {
                if bytes[index] == UInt8(ascii: "\\") {
                    if bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "0"),
                        bytes[index + 3] == UInt8(ascii: "0"), bytes[index + 4] == UInt8(ascii: "0"),
                        bytes[index + 5] == UInt8(ascii: "0")
                    {
                        return true
                    }
                    index += 2  // skip the escaped character, so `\\u0000` is a backslash and text
                } else {
                    index += 1
                }
            }
            return false
        }
    }

    /// A `200` JSON response.
    static func json<Output: Encodable>(_ output: Output) throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try MetadataJSON.encoder().encode(output)))
        )
    }
}
