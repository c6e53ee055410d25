import HTTPTypes
import Hummingbird
import KSANMetadata

/// PutObjectTagging, GetObjectTagging and DeleteObjectTagging: the tag set of a version of an object (the current
/// one, or the one `versionId` names; ``TagSet``, at most 10 tags), kept among its stored headers as
/// `x-amz-tagging`. PutObject, CopyObject (`x-amz-tagging-directive`) and CreateMultipartUpload take
/// `x-amz-tagging`; GET and HEAD answer `x-amz-tagging-count`.
extension S3Gateway {
    func getObjectTagging(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let version = try await requestedVersion(context, bucket: bucket, key: key)
        let tags = try version.headers[TagSet.storedHeader].map { try TagSet(header: $0, limit: Int.max) }
        var response = self.xml((tags ?? TagSet(tags: [])).xml)
        if let versionId = Self.versionHeader(version.versionId, bucket: bucket) {
            response.headers[.amzVersionId] = versionId
        }
        return response
    }

    func putObjectTagging(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let tags = try TagSet(xml: try await readXMLBody(request, context), limit: TagSet.objectLimit)
        let versionId = try await metadata.setObjectTagging(
            bucket: BucketRef(bucket), key: key, versionId: try Self.versionIdParameter(context.request),
            tagging: tags.tags.isEmpty ? nil : tags.header)
        return Self.taggingResponse(.ok, versionId: versionId, bucket: bucket)
    }

    func deleteObjectTagging(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let versionId = try await metadata.setObjectTagging(
            bucket: BucketRef(bucket), key: key, versionId: try Self.versionIdParameter(context.request),
            tagging: nil)
        return Self.taggingResponse(.noContent, versionId: versionId, bucket: bucket)
    }

    static func taggingResponse(_ status: HTTPResponse.Status, versionId: String, bucket: BucketRecord) -> Response {
        var headers = HTTPFields()
        if let versionId = versionHeader(versionId, bucket: bucket) { headers[.amzVersionId] = versionId }
        return Response(status: status, headers: headers)
    }
}
