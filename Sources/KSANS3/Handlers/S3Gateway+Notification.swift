import Hummingbird
import KSANMetadata

/// PutBucketNotificationConfiguration and GetBucketNotificationConfiguration: the document is validated as S3
/// validates it (``NotificationConfiguration``), stored as the bucket's ``BucketConfigKind/notification``
/// configuration (an empty one removes it) and answered back as it was put; a bucket without one answers an empty
/// configuration, as S3 does. Nothing is delivered yet: the worker will (docs/s3-compatibility.md says so).
extension S3Gateway {
    func putBucketNotification(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let stored = try NotificationConfiguration.validate(try await readXMLBody(request, context))
        try await metadata.setBucketConfig(
            BucketRef(bucket), kind: .notification, document: try stored?.document())
        return Response(status: .ok)
    }

    func getBucketNotification(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        var xml = XMLWriter()
        if let document = try await metadata.bucketConfig(BucketRef(bucket), kind: .notification) {
            try StoredElement(document: document).write(to: &xml)
        } else {
            xml.open("NotificationConfiguration", namespace: true)
            xml.close("NotificationConfiguration")
        }
        return self.xml(xml)
    }
}
