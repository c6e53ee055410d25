import Foundation
import KSANBus

/// The wire protocol of the metadata service: paths and JSON bodies, shared by ``MetadataRoutes`` and
/// ``MetadataClient``. Every operation is a `POST` of a JSON request to its path that answers `200` with a JSON
/// response, or an error status with a ``MetadataError`` body (`{"code": ..., "message": ...}`). `docs/metadata-api.md`
/// describes it for humans.
enum MetadataAPI {
    /// The paths of the operations.
    enum Path {
        static let health = "/_ksan/health"
        static let ready = "/_ksan/ready"
        static let accessKey = "/v1/access-keys/get"
        static let topology = "/v1/topology/get"
        static let loadTopology = "/v1/topology/load"
        static let listBuckets = "/v1/buckets/list"
        static let createBucket = "/v1/buckets/create"
        static let bucket = "/v1/buckets/get"
        static let deleteBucket = "/v1/buckets/delete"
        static let bucketConfig = "/v1/bucket-configs/get"
        static let setBucketConfig = "/v1/bucket-configs/put"
        static let setVersioning = "/v1/buckets/set-versioning"
        static let zone = "/v1/zones/get"
        static let setObjectLock = "/v1/buckets/set-object-lock"
        static let setObjectRetention = "/v1/objects/set-retention"
        static let setObjectLegalHold = "/v1/objects/set-legal-hold"
        static let object = "/v1/objects/get"
        static let putObject = "/v1/objects/put"
        static let deleteObject = "/v1/objects/delete"
        static let setObjectTagging = "/v1/objects/set-tagging"
        static let listObjects = "/v1/objects/list"
        static let listObjectVersions = "/v1/objects/list-versions"
        static let registerIntent = "/v1/intents/register"
        static let dropIntent = "/v1/intents/drop"
        static let touchIntent = "/v1/intents/touch"
        static let createUpload = "/v1/uploads/create"
        static let upload = "/v1/uploads/get"
        static let putPart = "/v1/uploads/put-part"
        static let listParts = "/v1/uploads/list-parts"
        static let completeUpload = "/v1/uploads/complete"
        static let abortUpload = "/v1/uploads/abort"
        static let completedUpload = "/v1/uploads/completed"
        static let listUploads = "/v1/uploads/list"
        static let garbage = "/v1/garbage/list"
        static let ackGarbage = "/v1/garbage/ack"
        static let releaseGarbage = "/v1/garbage/release"
        static let queueRepair = "/v1/repairs/queue"
        static let queueRepairOfData = "/v1/repairs/queue-data"
        static let repairs = "/v1/repairs/list"
        static let ackRepairs = "/v1/repairs/ack"
        static let releaseRepairs = "/v1/repairs/release"
        static let serviceSettings = "/v1/settings/get"
        static let placements = "/v1/placement/list"
        static let moveShards = "/v1/placement/move"
        static let diskLoads = "/v1/placement/loads"
        static let finishRebalance = "/v1/pools/rebalance/finish"
        static let unknownDataIds = "/v1/placement/unknown"
        static let outboxBacklog = "/v1/outbox/backlog"
    }

    /// An empty request or response: `{}`.
    struct Empty: Codable, Sendable {}

    struct AccessKeyRequest: Codable, Sendable { var accessKeyId: String }
    struct AccessKeyResponse: Codable, Sendable { var accessKey: AccessKeyRecord? }

    struct ListBucketsRequest: Codable, Sendable { var ownerId: String }
    struct ListBucketsResponse: Codable, Sendable { var buckets: [BucketRecord] }
    struct BucketRequest: Codable, Sendable {
        var name: String
        /// The id the caller expects the bucket of that name to have (``BucketRef``); nil: not checked.
        var id: String?
    }
    struct BucketResponse: Codable, Sendable { var bucket: BucketRecord? }
    struct BucketConfigRequest: Codable, Sendable {
        var bucket: BucketRef
        var kind: BucketConfigKind
        /// For a put: the document, nil to delete.
        var document: String?
    }
    struct BucketConfigResponse: Codable, Sendable { var document: String? }

    /// The data an operation unreferenced.
    struct GarbageResponse: Codable, Sendable { var garbage: [DataLayout] }

    struct ObjectRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        /// A version by id; nil: the current one.
        var versionId: String?
        /// A delete: whether `x-amz-bypass-governance-retention` was given.
        var bypassGovernance: Bool?
    }
    struct ObjectLockRequest: Codable, Sendable {
        var bucket: BucketRef
        var defaultRetention: DefaultRetention?
    }
    struct RetentionRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var versionId: String?
        var mode: ObjectLockMode?
        var retainUntil: Date?
        var bypassGovernance: Bool
    }
    struct LegalHoldRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var versionId: String?
        var on: Bool
    }
    struct VersioningRequest: Codable, Sendable {
        var bucket: BucketRef
        var status: VersioningStatus
    }
    struct ListVersionsRequest: Codable, Sendable {
        var bucket: BucketRef
        var query: ListVersionsQuery
    }
    struct VersionIdResponse: Codable, Sendable { var versionId: String }
    struct ZoneRequest: Codable, Sendable { var name: String }
    struct ZoneResponse: Codable, Sendable { var zone: ZoneRecord? }
    struct ObjectResponse: Codable, Sendable { var object: ObjectVersion? }
    struct ObjectTaggingRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var versionId: String?
        var tagging: String?
    }
    struct ListObjectsRequest: Codable, Sendable {
        var bucket: BucketRef
        var query: ListObjectsQuery
    }

    struct DropIntentRequest: Codable, Sendable { var dataId: String }
    struct TouchedResponse: Codable, Sendable { var alive: Bool }

    struct CreateUploadRequest: Codable, Sendable {
        var upload: MultipartUpload
        var bucket: BucketRef
    }
    struct UploadRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var uploadId: String
    }
    struct UploadResponse: Codable, Sendable { var upload: MultipartUpload? }
    struct CompletedUploadResponse: Codable, Sendable { var completed: CompletedUpload? }
    struct PutPartRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var uploadId: String
        var part: PartRecord
    }
    struct ListPartsRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var uploadId: String
        var partNumberMarker: Int
        var maxParts: Int
    }
    struct CompleteUploadRequest: Codable, Sendable {
        var bucket: BucketRef
        var key: String
        var uploadId: String
        var parts: [CompletedPart]
        var condition: WriteCondition?
        var headers: [String: String]?
        var responseElements: [String: String]?
    }
    struct PutObjectRequest: Codable, Sendable {
        var version: ObjectVersion
        var bucket: BucketRef
        var condition: WriteCondition?
    }
    struct CompleteUploadResponse: Codable, Sendable {
        var version: ObjectVersion
        var garbage: [DataLayout]
    }
    struct ListUploadsRequest: Codable, Sendable {
        var bucket: BucketRef
        var query: ListUploadsQuery
    }

    struct GarbageRequest: Codable, Sendable {
        var limit: Int
        var intentAge: Double
        var grace: Double
        /// Seconds to take the items for; absent or 0: only look.
        var lease: Double?
    }
    struct GarbageItemsResponse: Codable, Sendable { var items: [GarbageItem] }
    struct AckGarbageRequest: Codable, Sendable { var ids: [Int64] }
    struct RepairsRequest: Codable, Sendable {
        var limit: Int
        var dropAfter: Double
        /// Seconds to take the entries for; absent or 0: only look.
        var lease: Double?
    }
    struct RepairsResponse: Codable, Sendable { var items: [RepairItem] }
    struct AckRepairsRequest: Codable, Sendable { var items: [RepairItem] }
    struct PlacementsRequest: Codable, Sendable {
        var diskIds: [String]
        var after: String?
        var limit: Int
    }
    struct PlacementsResponse: Codable, Sendable { var layouts: [DataLayout] }
    struct MoveShardsRequest: Codable, Sendable {
        var dataId: String
        var moves: [ShardMove]
    }
    struct LayoutResponse: Codable, Sendable { var layout: DataLayout? }
    struct PoolRequest: Codable, Sendable { var poolId: String }
    struct DiskLoadsResponse: Codable, Sendable { var loads: [String: Int64] }
    struct FinishRebalanceRequest: Codable, Sendable {
        var poolId: String
        var since: Date
    }
    struct DataIdsRequest: Codable, Sendable {
        var dataIds: [String]
        /// Only placement that names this disk counts as committed (absent: any placement).
        var disk: String? = nil
    }
    struct DataIdsResponse: Codable, Sendable { var dataIds: [String] }
    struct QueueRepairOfDataRequest: Codable, Sendable { var dataId: String }
    struct QueuedResponse: Codable, Sendable { var queued: Bool }
    struct SettingsRequest: Codable, Sendable { var kind: ServiceKind }
    struct SettingsResponse: Codable, Sendable { var settings: ServiceSettings? }
}
