import Hummingbird
import KSANMetadata

/// PutBucketTagging, GetBucketTagging and DeleteBucketTagging: the bucket's tag set (``TagSet``, at most 50 tags),
/// stored as its ``BucketConfigKind/tagging`` configuration.
extension S3Gateway {
    func putBucketTagging(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let tags = try TagSet(xml: try await readXMLBody(request, context), limit: TagSet.bucketLimit)
        // An empty tag set is no tag set: GetBucketTagging then answers NoSuchTagSet, as it does on S3.
        try await metadata.setBucketConfig(
            BucketRef(bucket), kind: .tagging, document: tags.tags.isEmpty ? nil : try tags.document())
        return Response(status: .noContent)
    }

    func getBucketTagging(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        guard let document = try await metadata.bucketConfig(BucketRef(bucket), kind: .tagging) else {
            throw S3Error(.noSuchTagSet, resource: "/" + bucket.name)
        }
        return self.xml(try TagSet(document: document).xml)
    }

    func deleteBucketTagging(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        try await metadata.setBucketConfig(BucketRef(bucket), kind: .tagging, document: nil)
        return Response(status: .noContent)
    }
}
