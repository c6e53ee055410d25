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
        return try await storedConfiguration(
            of: bucket, kind: .lifecycle, missing: S3Error(.noSuchLifecycleConfiguration, resource: "/" + bucket.name))
    }

    /// A configuration stored as its element tree, answered as it was put; `missing` when the bucket has none.
    func storedConfiguration(of bucket: BucketRecord, kind: BucketConfigKind, missing: @autoclosure () -> S3Error)
        async throws -> Response
    {
        guard let document = try await metadata.bucketConfig(BucketRef(bucket), kind: kind) else { throw missing() }
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
