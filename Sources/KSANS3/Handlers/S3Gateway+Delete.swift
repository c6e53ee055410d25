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
        var xml = XMLWriter()
        xml.open("DeleteResult", namespace: true)
        for (key, versionId) in targets {
            do {
                guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }
                if let versionId { try Self.checkVersionId(versionId) }
                let deleted = try await metadata.deleteObject(
                    bucket: BucketRef(bucket), key: key, versionId: versionId, bypassGovernance: bypassGovernance)
                if !quiet {
                    xml.element("Deleted") {
                        $0.element("Key", key)
                        if let versionId { $0.element("VersionId", versionId) }
                        if deleted.isDeleteMarker {
                            $0.element("DeleteMarker", "true")
                            if let marker = deleted.versionId { $0.element("DeleteMarkerVersionId", marker) }
                        }
                    }
                }
            } catch {
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
}
