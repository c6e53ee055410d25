import Hummingbird
import KSANMetadata

/// PutObjectTagging, GetObjectTagging and DeleteObjectTagging: the tag set of an object's current version
/// (``TagSet``, at most 10 tags), kept among its stored headers as `x-amz-tagging`; `versionId=null` names it too.
/// PutObject, CopyObject (`x-amz-tagging-directive`) and CreateMultipartUpload take `x-amz-tagging`; GET and HEAD
/// answer `x-amz-tagging-count`.
extension S3Gateway {
    func getObjectTagging(_ context: S3Context) async throws -> Response {
        let version = try await currentVersion(context)
        let tags = try version.headers[TagSet.storedHeader].map { try TagSet(header: $0, limit: Int.max) }
        return self.xml((tags ?? TagSet(tags: [])).xml)
    }

    func putObjectTagging(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let tags = try TagSet(xml: try await readXMLBody(request, context), limit: TagSet.objectLimit)
        try await metadata.setObjectTagging(
            bucket: BucketRef(bucket), key: key, tagging: tags.tags.isEmpty ? nil : tags.header)
        return Response(status: .ok)
    }

    func deleteObjectTagging(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        try await metadata.setObjectTagging(bucket: BucketRef(bucket), key: key, tagging: nil)
        return Response(status: .noContent)
    }

    /// The current version of the request's object; NoSuchKey if there is none.
    func currentVersion(_ context: S3Context) async throws -> ObjectVersion {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        guard let version = try await metadata.object(bucket: BucketRef(bucket), key: key) else {
            throw S3Error(.noSuchKey, resource: "/\(bucket.name)/\(key)")
        }
        return version
    }
}
