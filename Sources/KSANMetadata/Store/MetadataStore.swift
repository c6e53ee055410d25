import Foundation
import KSANBus

/// Everything the gateway asks of metadata.
///
/// Implemented by ``PostgresMetadataStore`` inside the metadata service and by ``MetadataClient`` over the
/// network in the gateway. Operations that unreference data (overwrite, delete, abort) return the layouts that
/// became garbage; those layouts are also queued in the garbage table in the same transaction, so a crash of the
/// caller never leaks them.
///
/// Operations on a bucket's contents name the bucket by a ``BucketRef``: the store checks its id against the
/// bucket of that name and answers `noSuchBucket` when they differ.
public protocol MetadataStore: Sendable {
    /// The access key with this id, or nil.
    func accessKey(id: String) async throws -> AccessKeyRecord?

    /// The current topology (hosts, disks, pools).
    func topology() async throws -> Topology

    /// The buckets owned by a user, by name.
    func listBuckets(ownerId: String) async throws -> [BucketRecord]
    /// Creates a bucket; throws `bucketAlreadyOwnedByYou` or `bucketAlreadyExists` if the name is taken.
    func createBucket(_ bucket: BucketRecord) async throws
    /// The bucket with this name, or nil.
    func bucket(name: String) async throws -> BucketRecord?
    /// Deletes an empty bucket; throws `noSuchBucket` or `bucketNotEmpty`. Uploads in progress are aborted.
    func deleteBucket(_ bucket: BucketRef) async throws -> [DataLayout]
    /// A configuration of a bucket, as it was stored, or nil if it has none of that kind. Throws `noSuchBucket`.
    func bucketConfig(_ bucket: BucketRef, kind: BucketConfigKind) async throws -> String?
    /// Stores a configuration of a bucket, replacing the one of that kind, or deletes it (`document` nil); the
    /// change is a `bucket.config.changed` event (outbox) in the same transaction. Throws `noSuchBucket`.
    func setBucketConfig(_ bucket: BucketRef, kind: BucketConfigKind, document: String?) async throws

    /// The zone registered under this name (portal `zones`), or nil.
    func zone(named name: String) async throws -> ZoneRecord?

    /// Sets a bucket's versioning to enabled or suspended (never back to unversioned: `invalidArgument`); a
    /// `bucket.config.changed` event (key `versioning`). Throws `noSuchBucket`.
    func setVersioning(_ bucket: BucketRef, status: VersioningStatus) async throws

    /// A version of an object, or nil: the current one (`versionId` nil), which may be a delete marker, or the one
    /// with that id. Throws `noSuchBucket`.
    func object(bucket: BucketRef, key: String, versionId: String?) async throws -> ObjectVersion?
    /// Makes `version` (of `bucket`, whose name it carries) the current version of its key, atomically, as the
    /// bucket's versioning says (``VersioningStatus``): with a new version id when versioning is enabled, as the
    /// `null` version (replacing the previous one) otherwise; the id the version carries is ignored. Drops the
    /// write intents of its layouts. The condition is checked against the current version in the same transaction
    /// (a delete marker is no version). Throws `noSuchBucket`, `preconditionFailed`, `noSuchKey` (If-Match on no
    /// object), and `dataExpired` when a layout has neither a write intent nor a placement (garbage collection judged
    /// its write abandoned: the caller must write it again).
    func commitObject(_ version: ObjectVersion, in bucket: BucketRef, condition: WriteCondition) async throws
        -> CommittedVersion
    /// Deletes as S3's DeleteObject: with a version id, that version for good (no error if there is none), the
    /// next newest becoming current if it was; without one, the `null` version of a bucket never versioned, or a
    /// new delete marker made current (a new id when enabled, `null` when suspended). `noSuchBucket` if the bucket
    /// is missing.
    /// A version under object lock (legal hold; retention in COMPLIANCE, or GOVERNANCE without
    /// `bypassGovernance`) is `accessDenied` and stays.
    func deleteObject(bucket: BucketRef, key: String, versionId: String?, bypassGovernance: Bool) async throws
        -> DeletedVersion
    /// Replaces the tag set of a version of an object (the current one when `versionId` is nil), kept among its
    /// headers as `x-amz-tagging` (the URL-encoded form), or removes it (`tagging` nil); an `ObjectTagging:Put` or
    /// `ObjectTagging:Delete` event. The version is not otherwise changed. Returns its id. Throws `noSuchBucket`,
    /// `noSuchKey` (no current version, or a delete marker), `noSuchVersion`, `methodNotAllowed` (a delete
    /// marker named by id).
    func setObjectTagging(bucket: BucketRef, key: String, versionId: String?, tagging: String?) async throws
        -> String
    /// Enables object lock on a bucket (once versioning is enabled: `invalidBucketState` otherwise) and sets, or
    /// clears, its default retention (`invalidArgument` unless exactly one positive period); a
    /// `bucket.config.changed` event (key `objectLock`). Throws `noSuchBucket`.
    func setObjectLockConfiguration(_ bucket: BucketRef, defaultRetention: DefaultRetention?) async throws
    /// Sets (or, `mode` nil, removes) the retention of a version (the current one when `versionId` is nil), by the
    /// rules of S3: a retention still running may only be extended or made COMPLIANCE; shortening or removing a
    /// GOVERNANCE one needs `bypassGovernance`, a COMPLIANCE one never happens (`accessDenied`). Returns the
    /// version's id. Throws `invalidRequest` (no object lock), `noSuchKey`, `noSuchVersion`, `methodNotAllowed`.
    func setObjectRetention(
        bucket: BucketRef, key: String, versionId: String?, mode: ObjectLockMode?, retainUntil: Date?,
        bypassGovernance: Bool
    ) async throws -> String
    /// Sets the legal hold of a version ON or OFF; returns its id. Errors as ``setObjectRetention``.
    func setObjectLegalHold(bucket: BucketRef, key: String, versionId: String?, on: Bool) async throws -> String
    /// Lists versions and delete markers in byte order of keys, newest first within a key. Throws `noSuchBucket`.
    func listObjectVersions(bucket: BucketRef, query: ListVersionsQuery) async throws -> ListVersionsResult
    /// Lists objects in byte order of keys. Throws `noSuchBucket`.
    func listObjects(bucket: BucketRef, query: ListObjectsQuery) async throws -> ListObjectsResult

    /// Records that shards of `intent.layout` are about to be written, stamped with the database's clock.
    func registerIntent(_ intent: WriteIntent) async throws
    /// Marks the intent of a write still in progress as alive (a long upload is not judged abandoned); false when the
    /// intent is gone (garbage collection took it: the write must fail).
    func touchIntent(dataId: String) async throws -> Bool
    /// Forgets an intent whose shards were cleaned up by the writer itself.
    func dropIntent(dataId: String) async throws

    /// Starts a multipart upload in `bucket` (whose name it carries). Throws `noSuchBucket`.
    func createUpload(_ upload: MultipartUpload, in bucket: BucketRef) async throws
    /// The upload with this id for this bucket and key, or nil. Throws `noSuchBucket`.
    func upload(bucket: BucketRef, key: String, uploadId: String) async throws -> MultipartUpload?
    /// Stores a part, replacing any earlier part of the same number; drops the intent of its layout.
    /// Returns the displaced data. Throws `noSuchUpload`, and `dataExpired` as ``putObject(_:in:condition:)``.
    func putPart(bucket: BucketRef, key: String, uploadId: String, part: PartRecord) async throws -> [DataLayout]
    /// Lists parts by part number after `partNumberMarker`. Throws `noSuchUpload`.
    func listParts(bucket: BucketRef, key: String, uploadId: String, partNumberMarker: Int, maxParts: Int)
        async throws -> ListPartsResult
    /// Completes an upload: checks the named parts (`invalidPart`, `invalidPartOrder`, `entityTooSmall` for a
    /// non-last part under 5 MiB), builds the object from them in order with the `md5-of-md5s-N` ETag, commits it
    /// as in ``putObject(_:in:condition:)``, and queues unused parts as garbage. Throws `noSuchUpload`.
    /// - Parameter headers: when given, the object's stored headers (``ObjectVersion/headers``) instead of the
    ///   upload's, e.g. with the object checksum computed from the parts' checksums.
    /// Returns the committed version and the displaced data.
    /// - Parameter responseElements: further elements of the gateway's response (the object checksum), kept with
    ///   the completion's ``CompletedUpload`` record for retries.
    func completeUpload(
        bucket: BucketRef, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition,
        headers: [String: String]?, responseElements: [String: String]
    ) async throws -> (version: ObjectVersion, garbage: [DataLayout])
    /// The record of an upload of this bucket (the same bucket, not one re-created under its name) and key
    /// completed within ``CompletedUpload/retention``, or nil. Throws `noSuchBucket`.
    func completedUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> CompletedUpload?
    /// Aborts an upload and returns the data of its parts. Throws `noSuchUpload`.
    func abortUpload(bucket: BucketRef, key: String, uploadId: String) async throws -> [DataLayout]
    /// Lists uploads in progress. Throws `noSuchBucket`.
    func listUploads(bucket: BucketRef, query: ListUploadsQuery) async throws -> ListUploadsResult

    /// Up to `limit` queued garbage items queued more than `grace` seconds ago, oldest first, after moving write
    /// intents not marked alive for `intentAge` seconds into the queue. The grace keeps the data of an overwritten
    /// or deleted version readable for reads that started on it. With a `lease` (seconds, more than 0) the items are
    /// taken: no other call with a lease gets them until they are acknowledged or released, or the lease runs out
    /// (a worker that died); with none they are only looked at, leased or not.
    func garbage(limit: Int, intentAge: Double, grace: Double, lease: Double) async throws -> [GarbageItem]
    /// Removes garbage items whose shards were deleted.
    func ackGarbage(ids: [Int64]) async throws
    /// Ends the lease of garbage items that were taken but not collected, so that the next pass takes them again.
    func releaseGarbage(ids: [Int64]) async throws

    /// Records that some shards of `layout` are missing or damaged (a stripe written with only its quorum, or a
    /// read that found a shard absent or corrupt). Queuing the same data twice keeps one entry, with the later
    /// report's number.
    func queueRepair(_ layout: DataLayout) async throws
    /// Queues the committed data `dataId` for repair, by its layout in `placement` (an OSD's scrub found one of its
    /// shards corrupt or missing). Returns false if no committed data has that id (deleted meanwhile, or never
    /// committed).
    func queueRepair(dataId: String) async throws -> Bool
    /// The latest version of the live settings of `kind` (``ServiceSettings``), or nil if none was ever set.
    func serviceSettings(kind: ServiceKind) async throws -> ServiceSettings?
    /// Up to `limit` queued repairs of data that is committed (referenced by an object or part), oldest first.
    /// Entries whose data is neither committed nor being written (no write intent) and that were queued more than
    /// `dropAfter` seconds ago are forgotten: their data was never committed, or was deleted.
    /// With a `lease` (seconds, more than 0) the entries are taken, as ``garbage(limit:intentAge:grace:lease:)``'s; a new
    /// report of damage ends the lease of its entry.
    func repairs(limit: Int, dropAfter: Double, lease: Double) async throws -> [RepairItem]
    /// Removes repaired entries, unless damage was reported again since their report number was read.
    func ackRepairs(_ items: [RepairItem]) async throws
    /// Ends the lease of entries that were taken but not repaired (a host that does not answer).
    func releaseRepairs(_ items: [RepairItem]) async throws

    /// Up to `limit` committed layouts with a shard on one of `diskIds`, in data id order after `after`: what the
    /// disks should hold, for a scrub that checks every shard is there.
    func placements(diskIds: [String], after: String?, limit: Int) async throws -> [DataLayout]

    /// Moves shards of committed data to other disks (rebuild, drain), atomically: each move whose shard is still on
    /// its `from` disk, to a disk the data does not use yet; the copies left behind are queued as garbage. Reads
    /// use the new disks at once. Returns the layout as it is now (nil: the data is gone).
    func moveShards(dataId: String, moves: [ShardMove]) async throws -> DataLayout?
    /// The bytes of shards each disk holds for the pool's committed data (disks holding none are absent).
    func diskLoads(poolId: String) async throws -> [String: Int64]
    /// Ends the pool's rebalance that started at `since` (one asked for again since then carries on).
    func finishRebalance(poolId: String, since: Date) async throws
    /// The data ids among `dataIds` that metadata knows nothing of: not committed (with a shard on `disk`, when one
    /// is named), not being written (no write intent) and not queued as garbage. Shards of such ids (on that disk)
    /// are orphans.
    func unknownDataIds(_ dataIds: [String], onDisk disk: String?) async throws -> [String]

    /// The events of the transactional outbox not yet confirmed by the bus.
    func outboxBacklog() async throws -> OutboxBacklog
}

extension MetadataStore {
    /// The current version of an object, or nil if there is none or it is a delete marker.
    public func object(bucket: BucketRef, key: String) async throws -> ObjectVersion? {
        guard let version = try await object(bucket: bucket, key: key, versionId: nil), !version.isDeleteMarker
        else { return nil }
        return version
    }

    /// Commits a version as ``commitObject(_:in:condition:)`` and returns only the displaced data.
    public func putObject(_ version: ObjectVersion, in bucket: BucketRef, condition: WriteCondition) async throws
        -> [DataLayout]
    {
        try await commitObject(version, in: bucket, condition: condition).displaced
    }

    /// Looks at queued garbage without taking it (no lease).
    public func garbage(limit: Int, intentAge: Double, grace: Double) async throws -> [GarbageItem] {
        try await garbage(limit: limit, intentAge: intentAge, grace: grace, lease: 0)
    }

    /// Looks at queued repairs without taking them (no lease).
    public func repairs(limit: Int, dropAfter: Double) async throws -> [RepairItem] {
        try await repairs(limit: limit, dropAfter: dropAfter, lease: 0)
    }

    /// Deletes as ``deleteObject(bucket:key:versionId:)`` without a version id; returns the data that became garbage.
    public func deleteObject(bucket: BucketRef, key: String) async throws -> [DataLayout] {
        try await deleteObject(bucket: bucket, key: key, versionId: nil).garbage
    }

    /// Deletes as ``deleteObject(bucket:key:versionId:bypassGovernance:)`` without bypassing governance.
    public func deleteObject(bucket: BucketRef, key: String, versionId: String?) async throws -> DeletedVersion {
        try await deleteObject(bucket: bucket, key: key, versionId: versionId, bypassGovernance: false)
    }

    /// Sets the tag set of the current version (``setObjectTagging(bucket:key:versionId:tagging:)``).
    public func setObjectTagging(bucket: BucketRef, key: String, tagging: String?) async throws {
        _ = try await setObjectTagging(bucket: bucket, key: key, versionId: nil, tagging: tagging)
    }

    /// Completes an upload whose response has no further elements (no object checksum).
    public func completeUpload(
        bucket: BucketRef, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition,
        headers: [String: String]?
    ) async throws -> (version: ObjectVersion, garbage: [DataLayout]) {
        try await completeUpload(
            bucket: bucket, key: key, uploadId: uploadId, parts: parts, condition: condition, headers: headers,
            responseElements: [:])
    }
}
