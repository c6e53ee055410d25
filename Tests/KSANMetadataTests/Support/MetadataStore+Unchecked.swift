import Foundation

@testable import KSANMetadata

/// The store's operations by bucket name, unchecked (``BucketRef/unchecked(_:)``): for the tests only, so that no
/// production caller can skip the bucket id check. The commits register the write intents of their data first, as
/// a gateway does before it writes shards.
extension MetadataStore {
    /// Makes `version` current with no precondition, its bucket unchecked, after registering its intents.
    func putObject(_ version: ObjectVersion) async throws -> [DataLayout] {
        try await putObject(version, condition: WriteCondition())
    }

    /// ``putObject(_:in:condition:)`` with the bucket unchecked, after registering the version's intents.
    func putObject(_ version: ObjectVersion, condition: WriteCondition) async throws -> [DataLayout] {
        for layout in version.layouts { try await registerIntent(WriteIntent(layout: layout, createdAt: Date())) }
        return try await putObject(version, in: .unchecked(version.bucket), condition: condition)
    }

    /// ``deleteBucket(_:)`` by name, unchecked (tests and administration).
    func deleteBucket(name: String) async throws -> [DataLayout] {
        try await deleteBucket(.unchecked(name))
    }

    /// ``object(bucket:key:)`` by bucket name, unchecked (tests and administration).
    func object(bucket: String, key: String) async throws -> ObjectVersion? {
        try await object(bucket: .unchecked(bucket), key: key)
    }

    /// ``deleteObject(bucket:key:)`` by bucket name, unchecked (tests and administration).
    func deleteObject(bucket: String, key: String) async throws -> [DataLayout] {
        try await deleteObject(bucket: .unchecked(bucket), key: key)
    }

    /// ``listObjects(bucket:query:)`` by bucket name, unchecked (tests and administration).
    func listObjects(bucket: String, query: ListObjectsQuery) async throws -> ListObjectsResult {
        try await listObjects(bucket: .unchecked(bucket), query: query)
    }

    /// ``createUpload(_:in:)`` with the bucket unchecked (tests and administration).
    func createUpload(_ upload: MultipartUpload) async throws {
        try await createUpload(upload, in: .unchecked(upload.bucket))
    }

    /// ``upload(bucket:key:uploadId:)`` by bucket name, unchecked (tests and administration).
    func upload(bucket: String, key: String, uploadId: String) async throws -> MultipartUpload? {
        try await upload(bucket: .unchecked(bucket), key: key, uploadId: uploadId)
    }

    /// ``putPart(bucket:key:uploadId:part:)`` by bucket name, unchecked (tests and administration).
    func putPart(bucket: String, key: String, uploadId: String, part: PartRecord) async throws -> [DataLayout] {
        if let layout = part.segment.layout {
            try await registerIntent(WriteIntent(layout: layout, createdAt: Date()))
        }
        return try await putPart(bucket: .unchecked(bucket), key: key, uploadId: uploadId, part: part)
    }

    /// ``listParts(bucket:key:uploadId:partNumberMarker:maxParts:)`` by bucket name, unchecked.
    func listParts(bucket: String, key: String, uploadId: String, partNumberMarker: Int, maxParts: Int)
        async throws -> ListPartsResult
    {
        try await listParts(
            bucket: .unchecked(bucket), key: key, uploadId: uploadId, partNumberMarker: partNumberMarker,
            maxParts: maxParts)
    }

    /// ``completeUpload(bucket:key:uploadId:parts:condition:headers:)`` by bucket name, unchecked.
    func completeUpload(
        bucket: String, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition = .init(),
        headers: [String: String]? = nil
    ) async throws -> (version: ObjectVersion, garbage: [DataLayout]) {
        try await completeUpload(
            bucket: .unchecked(bucket), key: key, uploadId: uploadId, parts: parts, condition: condition,
            headers: headers)
    }

    /// ``abortUpload(bucket:key:uploadId:)`` by bucket name, unchecked (tests and administration).
    func abortUpload(bucket: String, key: String, uploadId: String) async throws -> [DataLayout] {
        try await abortUpload(bucket: .unchecked(bucket), key: key, uploadId: uploadId)
    }

    /// ``listUploads(bucket:query:)`` by bucket name, unchecked (tests and administration).
    func listUploads(bucket: String, query: ListUploadsQuery) async throws -> ListUploadsResult {
        try await listUploads(bucket: .unchecked(bucket), query: query)
    }

    /// ``garbage(limit:intentAge:grace:)`` without a grace period (tests).
    func garbage(limit: Int, intentAge: Double) async throws -> [GarbageItem] {
        try await garbage(limit: limit, intentAge: intentAge, grace: 0)
    }
}
