import Hummingbird
import KSANMetadata

/// PutBucketLifecycleConfiguration (and the legacy PutBucketLifecycle body), GetBucketLifecycleConfiguration and
/// DeleteBucketLifecycle: the document is validated as S3 validates it (``LifecycleConfiguration``), stored as the
/// bucket's ``BucketConfigKind/lifecycle`` configuration and answered back as it was put. Not executed yet: the
/// worker will (docs/s3-compatibility.md says so).
extension S3Gateway {
    func putBucketLifecycle(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let stored = try LifecycleConfiguration.validate(try await readXMLBody(request, context))
        try await metadata.setBucketConfig(BucketRef(bucket), kind: .lifecycle, document: try stored.document())
        return Response(status: .ok)
    }

    func getBucketLifecycle(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        guard let document = try await metadata.bucketConfig(BucketRef(bucket), kind: .lifecycle) else {
            throw S3Error(.noSuchLifecycleConfiguration, resource: "/" + bucket.name)
        }
        var xml = XMLWriter()
        try StoredElement(document: document).write(to: &xml)
        return self.xml(xml)
    }

    func deleteBucketLifecycle(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        try await metadata.setBucketConfig(BucketRef(bucket), kind: .lifecycle, document: nil)
        return Response(status: .noContent)
    }
}
