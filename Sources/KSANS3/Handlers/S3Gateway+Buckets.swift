import Foundation
import HTTPTypes
import Hummingbird
import KSANMetadata

extension S3Gateway {
    func listBuckets(_ context: S3Context) async throws -> Response {
        let user = try requireUser(context)
        let buckets = try await metadata.listBuckets(ownerId: user.userId)
        var xml = XMLWriter()
        xml.open("ListAllMyBucketsResult", namespace: true)
        xml.element("Owner") {
            $0.element("ID", user.userId)
            $0.element("DisplayName", user.displayName)
        }
        xml.open("Buckets")
        for bucket in buckets {
            xml.element("Bucket") {
                $0.element("Name", bucket.name)
                $0.element("CreationDate", timestamp: bucket.createdAt)
            }
        }
        xml.close("Buckets")
        xml.close("ListAllMyBucketsResult")
        return self.xml(xml)
    }

    func createBucket(_ request: Request, _ context: S3Context) async throws -> Response {
        let user = try requireUser(context)
        let name = context.request.bucket!
        guard BucketName.isValid(name) else { throw S3Error(.invalidBucketName, resource: "/" + name) }
        var region = configuration.region
        let body = try await collectBody(request, context, limit: 64 * 1024)
        if body.readableBytes > 0 {
            let root = try XMLNode.parse(body.readableBytesView)
            guard root.name == "CreateBucketConfiguration" else { throw S3Error(.malformedXML) }
            if let constraint = root.child("LocationConstraint")?.text, !constraint.isEmpty {
                guard constraint == configuration.region else {
                    throw S3Error(
                        .invalidLocationConstraint, "The specified location-constraint is not valid for this endpoint.")
                }
                region = constraint
            }
        }
        let topology = try await data.topology.current()
        guard let pool = topology.defaultPool else { throw S3Error(.internalError, "No storage pool is configured.") }
        defer { buckets.invalidate(name) }
        // Object lock at creation turns versioning on, for good (UnhonouredHeaders checked the value).
        let objectLock = context.request.header("x-amz-bucket-object-lock-enabled")?.lowercased() == "true"
        try await metadata.createBucket(
            BucketRecord(
                name: name, ownerId: user.userId, ownerDisplayName: user.displayName, region: region, poolId: pool.id,
                createdAt: Date(), versioning: objectLock ? .enabled : .unversioned, objectLock: objectLock))
        var headers = HTTPFields()
        headers[.location] = "/" + name
        return Response(status: .ok, headers: headers)
    }

    func headBucket(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-amz-bucket-region")!] = bucket.region
        return Response(status: .ok, headers: headers)
    }

    func deleteBucket(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        defer { buckets.invalidate(bucket.name) }
        _ = try await metadata.deleteBucket(BucketRef(bucket))
        return Response(status: .noContent)
    }

    func getBucketLocation(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        var xml = XMLWriter()
        xml.open("LocationConstraint", namespace: true)
        // us-east-1 is answered as an empty constraint, as S3 does.
        if bucket.region != "us-east-1" { xml.text(bucket.region) }
        xml.close("LocationConstraint")
        return self.xml(xml)
    }
}
