import Hummingbird
import KSANMetadata

/// PutBucketReplication, GetBucketReplication and DeleteBucketReplication: the document is validated as S3
/// validates it (``ReplicationConfiguration``), on a bucket with versioning Enabled, with destinations that exist,
/// stored as the bucket's ``BucketConfigKind/replication`` configuration and answered back as it was put. Not
/// executed yet: the worker will (docs/s3-compatibility.md says so).
extension S3Gateway {
    func putBucketReplication(_ request: Request, _ context: S3Context) async throws -> Response {
        let cached = try await requireBucket(context)
        let (stored, destinations) = try ReplicationConfiguration.validate(try await readXMLBody(request, context))
        let bucket = try await current(cached)
        guard bucket.versioning == .enabled else {
            throw S3Error(
                .invalidRequest, "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
        }
        for destination in destinations {
            switch destination {
            case .local(let name):
                guard name != bucket.name else {
                    throw S3Error(.invalidRequest, "Destination bucket cannot be the same as the source bucket.")
                }
                guard try await metadata.bucket(name: name) != nil else {
                    throw S3Error(.invalidRequest, "Destination bucket must exist.")
                }
            case .zone(let zone, _):
                guard try await metadata.zone(named: zone) != nil else {
                    throw S3Error(.invalidRequest, "The destination zone \(zone) is not registered.")
                }
            }
        }
        try await metadata.setBucketConfig(BucketRef(bucket), kind: .replication, document: try stored.document())
        return Response(status: .ok)
    }

    func getBucketReplication(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        return try await storedConfiguration(
            of: bucket, kind: .replication,
            missing: S3Error(
                .replicationConfigurationNotFound, "The replication configuration was not found",
                resource: "/" + bucket.name))
    }

    func deleteBucketReplication(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        try await metadata.setBucketConfig(BucketRef(bucket), kind: .replication, document: nil)
        return Response(status: .noContent)
    }
}
