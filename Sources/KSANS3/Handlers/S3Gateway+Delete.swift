import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANMetadata

/// DeleteObject and DeleteObjects (the multi-object delete with its per-key results): a version for good when one
/// is named, otherwise the object of a bucket never versioned, or a new delete marker.
extension S3Gateway {
    func deleteObject(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let deleted = try await metadata.deleteObject(
            bucket: BucketRef(bucket), key: key, versionId: try Self.versionIdParameter(context.request),
            bypassGovernance: Self.bypassesGovernance(context.request))
        var headers = HTTPFields()
        if let versionId = deleted.versionId { headers[.amzVersionId] = versionId }
        if deleted.isDeleteMarker { headers[.amzDeleteMarker] = "true" }
        return Response(status: .noContent, headers: headers)
    }

    func deleteObjects(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "Delete" else { throw S3Error(.malformedXML) }
        let objects = root.children("Object")
        guard !objects.isEmpty, objects.count <= S3Limits.maxDeleteKeys else { throw S3Error(.malformedXML) }
        let quiet = root.child("Quiet")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
        var targets: [(key: String, versionId: String?)] = []
        for object in objects {
            guard let key = object.child("Key")?.text, !key.isEmpty else { throw S3Error(.malformedXML) }
            targets.append((key, object.child("VersionId")?.text))
        }
        let bypassGovernance = Self.bypassesGovernance(context.request)
        let ref = BucketRef(bucket)
        let results = await Self.concurrently(targets, width: S3Limits.deleteObjectsConcurrency) { key, versionId in
            guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }
            if let versionId { try Self.checkVersionId(versionId) }
            return try await self.metadata.deleteObject(
                bucket: ref, key: key, versionId: versionId, bypassGovernance: bypassGovernance)
        }
        var xml = XMLWriter()
        xml.open("DeleteResult", namespace: true)
        for ((key, versionId), result) in zip(targets, results) {
            switch result {
            case .success(let deleted):
                guard !quiet else { continue }
                xml.element("Deleted") {
                    $0.element("Key", key)
                    if let versionId { $0.element("VersionId", versionId) }
                    if deleted.isDeleteMarker {
                        $0.element("DeleteMarker", "true")
                        if let marker = deleted.versionId { $0.element("DeleteMarkerVersionId", marker) }
                    }
                }
            case .failure(let error):
                let s3Error = S3Error.from(error) ?? S3Error(.internalError)
                xml.element("Error") {
                    $0.element("Key", key)
                    if let versionId { $0.element("VersionId", versionId) }
                    $0.element("Code", s3Error.code.name)
                    $0.element("Message", s3Error.message)
                }
            }
        }
        xml.close("DeleteResult")
        return self.xml(xml)
    }

    /// Runs `operation` for every target, at most `width` at a time, and gives the results in the targets' order.
    ///
    /// Each delete is its own metadata transaction, so a thousand of them one after another wait for a thousand
    /// commits; side by side, PostgreSQL commits them together. The targets of one key run one after another, in
    /// the request's order, so that a request naming a key twice is answered as if in sequence.
    static func concurrently<Output: Sendable>(
        _ targets: [(key: String, versionId: String?)], width: Int,
        _ operation: @escaping @Sendable (String, String?) async throws -> Output
    ) async -> [Result<Output, any Error>] {
        var byKey: [String: [Int]] = [:]
        var keys: [String] = []
        for (index, target) in targets.enumerated() {
            if byKey[target.key] == nil { keys.append(target.key) }
            byKey[target.key, default: []].append(index)
        }
        var results = [Result<Output, any Error>?](repeating: nil, count: targets.count)
        await withTaskGroup(of: [(Int, Result<Output, any Error>)].self) { group in
            var next = 0
            func start() {
                let indices = byKey[keys[next]] ?? []
                let batch = indices.map { ($0, targets[$0].versionId) }
                let key = keys[next]
                next += 1
                group.addTask {
                    var done: [(Int, Result<Output, any Error>)] = []
                    for (index, versionId) in batch {
                        do { done.append((index, .success(try await operation(key, versionId)))) } catch {
                            done.append((index, .failure(error)))
                        }
                    }
                    return done
                }
            }
            while next < keys.count && next < width { start() }
            for await done in group {
                for (index, result) in done { results[index] = result }
                if next < keys.count { start() }
            }
        }
        return results.map { $0 ?? .failure(S3Error(.internalError)) }
    }
}
