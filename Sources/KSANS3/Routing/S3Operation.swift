import HTTPTypes

/// Every S3 operation the gateway recognises.
public enum S3Operation: String, Sendable, CaseIterable {
    case listBuckets = "ListBuckets"
    case createBucket = "CreateBucket"
    case headBucket = "HeadBucket"
    case deleteBucket = "DeleteBucket"
    case getBucketLocation = "GetBucketLocation"
    case listObjects = "ListObjects"
    case listObjectsV2 = "ListObjectsV2"
    case getBucketVersioning = "GetBucketVersioning"
    case putBucketVersioning = "PutBucketVersioning"
    case listObjectVersions = "ListObjectVersions"
    case listMultipartUploads = "ListMultipartUploads"
    case deleteObjects = "DeleteObjects"
    case postObject = "PostObject"
    case putObject = "PutObject"
    case copyObject = "CopyObject"
    case getObject = "GetObject"
    case getObjectAttributes = "GetObjectAttributes"
    case headObject = "HeadObject"
    case deleteObject = "DeleteObject"
    case createMultipartUpload = "CreateMultipartUpload"
    case uploadPart = "UploadPart"
    case uploadPartCopy = "UploadPartCopy"
    case completeMultipartUpload = "CompleteMultipartUpload"
    case abortMultipartUpload = "AbortMultipartUpload"
    case listParts = "ListParts"
    case getBucketTagging = "GetBucketTagging"
    case putBucketTagging = "PutBucketTagging"
    case deleteBucketTagging = "DeleteBucketTagging"
    case getBucketRequestPayment = "GetBucketRequestPayment"
    case putBucketRequestPayment = "PutBucketRequestPayment"
    case getBucketLifecycle = "GetBucketLifecycleConfiguration"
    case putBucketLifecycle = "PutBucketLifecycleConfiguration"
    case deleteBucketLifecycle = "DeleteBucketLifecycle"
    case getObjectTagging = "GetObjectTagging"
    case putObjectTagging = "PutObjectTagging"
    case deleteObjectTagging = "DeleteObjectTagging"
    case getObjectLockConfiguration = "GetObjectLockConfiguration"
    case putObjectLockConfiguration = "PutObjectLockConfiguration"
    case getObjectRetention = "GetObjectRetention"
    case putObjectRetention = "PutObjectRetention"
    case getObjectLegalHold = "GetObjectLegalHold"
    case putObjectLegalHold = "PutObjectLegalHold"
    case getBucketReplication = "GetBucketReplication"
    case putBucketReplication = "PutBucketReplication"
    case deleteBucketReplication = "DeleteBucketReplication"
    case getBucketNotification = "GetBucketNotificationConfiguration"
    case putBucketNotification = "PutBucketNotificationConfiguration"

    /// Resolves the operation of a request.
    /// - Throws: `NotImplemented` for a sub-resource not implemented yet (``refused(_:)``: the message names the
    ///   operation, the resource is the path with the sub-resource), `MethodNotAllowed` otherwise.
    public static func resolve(_ request: S3Request) throws -> S3Operation {
        if let refused = refused(request) {
            let path = "/" + [request.bucket, request.key].compactMap { $0 }.joined(separator: "/")
            throw S3Error(
                .notImplemented, "\(refused.operation) (the \(refused.subresource) sub-resource) is not implemented.",
                resource: path + "?" + refused.subresource)
        }
        guard request.bucket != nil else {
            if request.method == .get { return .listBuckets }
            throw S3Error(.methodNotAllowed)
        }
        if request.key == nil {
            if let operation = try subresourceOperation(request, bucketSubresources) { return operation }
            switch request.method {
            case .get:
                if request.hasQuery("location") { return .getBucketLocation }
                if request.hasQuery("versions") { return .listObjectVersions }
                if request.hasQuery("uploads") { return .listMultipartUploads }
                if request.query("list-type") == "2" { return .listObjectsV2 }
                return .listObjects
            case .put: return .createBucket
            case .head: return .headBucket
            case .delete: return .deleteBucket
            case .post:
                if request.hasQuery("delete") { return .deleteObjects }
                if request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
                    return .postObject
                }
                throw S3Error(.invalidRequest, "POST to a bucket needs multipart/form-data (POST Object) or ?delete.")
            default: throw S3Error(.methodNotAllowed)
            }
        }
        if let operation = try subresourceOperation(request, objectSubresources) { return operation }
        switch request.method {
        case .get:
            if request.hasQuery("attributes") { return .getObjectAttributes }
            return request.hasQuery("uploadId") ? .listParts : .getObject
        case .head: return .headObject
        case .put:
            let copy = request.headers[.amzCopySource] != nil
            if request.hasQuery("uploadId") || request.hasQuery("partNumber") {
                return copy ? .uploadPartCopy : .uploadPart
            }
            return copy ? .copyObject : .putObject
        case .delete: return request.hasQuery("uploadId") ? .abortMultipartUpload : .deleteObject
        case .post:
            if request.hasQuery("uploads") { return .createMultipartUpload }
            if request.hasQuery("uploadId") { return .completeMultipartUpload }
            throw S3Error(.notImplemented)
        default: throw S3Error(.methodNotAllowed)
        }
    }
}

extension S3Operation {
    /// The sub-resources of a bucket's configurations and their operations by method.
    static let bucketSubresources: [String: [HTTPRequest.Method: S3Operation]] = [
        "tagging": [.get: .getBucketTagging, .put: .putBucketTagging, .delete: .deleteBucketTagging],
        "lifecycle": [.get: .getBucketLifecycle, .put: .putBucketLifecycle, .delete: .deleteBucketLifecycle],
        "requestPayment": [.get: .getBucketRequestPayment, .put: .putBucketRequestPayment],
        "versioning": [.get: .getBucketVersioning, .put: .putBucketVersioning],
        "object-lock": [.get: .getObjectLockConfiguration, .put: .putObjectLockConfiguration],
        "replication": [.get: .getBucketReplication, .put: .putBucketReplication, .delete: .deleteBucketReplication],
        "notification": [.get: .getBucketNotification, .put: .putBucketNotification],
    ]
    /// The sub-resources of an object and their operations by method.
    static let objectSubresources: [String: [HTTPRequest.Method: S3Operation]] = [
        "tagging": [.get: .getObjectTagging, .put: .putObjectTagging, .delete: .deleteObjectTagging],
        "retention": [.get: .getObjectRetention, .put: .putObjectRetention],
        "legal-hold": [.get: .getObjectLegalHold, .put: .putObjectLegalHold],
    ]

    /// The operation of the first sub-resource of `table` the request names; MethodNotAllowed for a method it has no
    /// operation for; nil when it names none.
    static func subresourceOperation(
        _ request: S3Request, _ table: [String: [HTTPRequest.Method: S3Operation]]
    ) throws -> S3Operation? {
        guard let methods = request.queryItems.lazy.compactMap({ table[$0.name] }).first else { return nil }
        guard let operation = methods[request.method] else { throw S3Error(.methodNotAllowed) }
        return operation
    }
}

extension HTTPField.Name {
    static let amzCopySource = HTTPField.Name("x-amz-copy-source")!
    static let amzContentSHA256 = HTTPField.Name("x-amz-content-sha256")!
    static let amzDecodedContentLength = HTTPField.Name("x-amz-decoded-content-length")!
    static let amzRequestId = HTTPField.Name("x-amz-request-id")!
    static let amzId2 = HTTPField.Name("x-amz-id-2")!
    static let amzMetadataDirective = HTTPField.Name("x-amz-metadata-directive")!
    static let amzVersionId = HTTPField.Name("x-amz-version-id")!
    static let amzDeleteMarker = HTTPField.Name("x-amz-delete-marker")!
    static let contentMD5 = HTTPField.Name("Content-MD5")!
}
