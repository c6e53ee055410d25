import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata
import KSANStorage
import Logging
import NIOCore

/// The S3 API: authenticates a request, resolves its operation and runs the handler of that operation.
///
/// Handlers live in `S3Gateway+<Family>.swift`, one file per family of operations.
public struct S3Gateway: Sendable {
    let metadata: any MetadataStore
    let data: DataPlane
    let configuration: GatewayConfiguration
    /// Access keys by id, for a few seconds: a revoked key stops working within 10 s.
    let keys = TTLCache<String, AccessKeyRecord>(ttl: 10)
    /// Buckets by name, for a second or two; this gateway's own bucket changes invalidate at once. Every metadata
    /// call names the bucket by its id too (``BucketRef``), so a cached bucket that was deleted (and perhaps created
    /// again by someone else) is refused by metadata, never served.
    let buckets = TTLCache<String, BucketRecord>(ttl: 2)
    /// POST Object forms whose fields are being read before their signature is checked.
    let unauthenticatedForms: AdmissionLimit

    /// Creates a gateway.
    public init(metadata: any MetadataStore, data: DataPlane, configuration: GatewayConfiguration) {
        self.metadata = metadata
        self.data = data
        self.configuration = configuration
        self.unauthenticatedForms = AdmissionLimit(configuration.maxUnauthenticatedForms)
    }

    /// Serves one request. Throws ``S3Error`` (or a lower layer's error, mapped by ``S3Responder``).
    func handle(_ request: Request, context: inout S3Context) async throws -> Response {
        try await authenticate(&context, request: request)
        try UnhonouredHeaders.check(context.request, operation: context.operation)
        switch context.operation {
        case .getObject, .headObject, .getObjectAttributes, .deleteObject, .getObjectTagging, .putObjectTagging,
            .deleteObjectTagging, .getObjectRetention, .putObjectRetention, .getObjectLegalHold, .putObjectLegalHold:
            _ = try Self.versionIdParameter(context.request)
        default:
            break
        }
        do {
            return try await dispatch(request, context: context)
        } catch let error as MetadataError where error.code == .noSuchBucket {
            // The cached bucket is gone (deleted, or deleted and created again with another id): forget it.
            if let name = context.request.bucket { buckets.invalidate(name) }
            throw error
        }
    }

    func dispatch(_ request: Request, context: S3Context) async throws -> Response {
        switch context.operation {
        case .listBuckets: return try await listBuckets(context)
        case .createBucket: return try await createBucket(request, context)
        case .headBucket: return try await headBucket(context)
        case .deleteBucket: return try await deleteBucket(context)
        case .getBucketLocation: return try await getBucketLocation(context)
        case .listObjects, .listObjectsV2: return try await listObjects(context)
        case .getBucketVersioning: return try await getBucketVersioning(context)
        case .putBucketVersioning: return try await putBucketVersioning(request, context)
        case .listObjectVersions: return try await listObjectVersions(context)
        case .listMultipartUploads: return try await listMultipartUploads(context)
        case .deleteObjects: return try await deleteObjects(request, context)
        case .postObject: return try await postObject(request, context)
        case .putObject: return try await putObject(request, context)
        case .copyObject: return try await copyObject(context)
        case .getObject: return try await getObject(context, head: false)
        case .headObject: return try await getObject(context, head: true)
        case .getObjectAttributes: return try await getObjectAttributes(context)
        case .deleteObject: return try await deleteObject(context)
        case .createMultipartUpload: return try await createMultipartUpload(context)
        case .uploadPart: return try await uploadPart(request, context)
        case .uploadPartCopy: return try await uploadPartCopy(context)
        case .completeMultipartUpload: return try await completeMultipartUpload(request, context)
        case .abortMultipartUpload: return try await abortMultipartUpload(context)
        case .listParts: return try await listParts(context)
        case .getBucketTagging: return try await getBucketTagging(context)
        case .putBucketTagging: return try await putBucketTagging(request, context)
        case .deleteBucketTagging: return try await deleteBucketTagging(context)
        case .getBucketRequestPayment: return try await getBucketRequestPayment(context)
        case .putBucketRequestPayment: return try await putBucketRequestPayment(request, context)
        case .getBucketLifecycle: return try await getBucketLifecycle(context)
        case .putBucketLifecycle: return try await putBucketLifecycle(request, context)
        case .deleteBucketLifecycle: return try await deleteBucketLifecycle(context)
        case .getObjectTagging: return try await getObjectTagging(context)
        case .putObjectTagging: return try await putObjectTagging(request, context)
        case .deleteObjectTagging: return try await deleteObjectTagging(context)
        case .getObjectLockConfiguration: return try await getObjectLockConfiguration(context)
        case .putObjectLockConfiguration: return try await putObjectLockConfiguration(request, context)
        case .getObjectRetention: return try await getObjectRetention(context)
        case .putObjectRetention: return try await putObjectRetention(request, context)
        case .getObjectLegalHold: return try await getObjectLegalHold(context)
        case .putObjectLegalHold: return try await putObjectLegalHold(request, context)
        case .getBucketReplication: return try await getBucketReplication(context)
        case .putBucketReplication: return try await putBucketReplication(request, context)
        case .deleteBucketReplication: return try await deleteBucketReplication(context)
        case .getBucketNotification: return try await getBucketNotification(context)
        case .putBucketNotification: return try await putBucketNotification(request, context)
        }
    }

    // MARK: Shared checks

    /// The user, or AccessDenied for anonymous requests (no bucket is public yet).
    func requireUser(_ context: S3Context) throws -> AccessKeyRecord {
        guard let user = context.user else { throw S3Error(.accessDenied) }
        return user
    }

    /// The addressed bucket, checked to exist and to belong to the user.
    func requireBucket(_ context: S3Context) async throws -> BucketRecord {
        let user = try requireUser(context)
        guard let name = context.request.bucket else { throw S3Error(.invalidRequest, "A bucket is required.") }
        guard let bucket = try await buckets.value(for: name, load: { try await metadata.bucket(name: name) }) else {
            throw S3Error(.noSuchBucket, resource: "/" + name)
        }
        guard bucket.ownerId == user.userId else { throw S3Error(.accessDenied) }
        try Self.checkExpectedOwner(context.request.header("x-amz-expected-bucket-owner"), of: bucket)
        return bucket
    }

    /// `bucket` as metadata has it now, past the 2 s cache (versioning and object lock another gateway may just have
    /// changed); the cached record if it has gone meanwhile (the operation's own metadata call then says so).
    func current(_ bucket: BucketRecord) async throws -> BucketRecord {
        try await metadata.bucket(name: bucket.name) ?? bucket
    }

    /// `x-amz-expected-bucket-owner` (or the copy source's): AccessDenied unless the bucket's owner is the one named,
    /// as S3 answers, so that a client never writes into a bucket that changed hands.
    static func checkExpectedOwner(_ expected: String?, of bucket: BucketRecord) throws {
        if let expected, expected != bucket.ownerId { throw S3Error(.accessDenied) }
    }

    /// InternalError (logged) for a version whose stored data description could make the data path's arithmetic
    /// fail: metadata refuses such versions, so this only guards against a database edited by hand or a bug.
    /// (Metadata limits are not checked here: an object stored before they were enforced stays readable.)
    func checkWellFormed(_ version: ObjectVersion) throws {
        do {
            try version.validateData()
        } catch {
            data.logger.error(
                "stored object metadata is inconsistent",
                metadata: ["ksan.bucket": "\(version.bucket)", "ksan.key": "\(version.key)", "error": "\(error)"])
            throw S3Error(.internalError)
        }
    }

    /// The addressed key, checked against the key length limit.
    func requireKey(_ context: S3Context) throws -> String {
        guard let key = context.request.key else { throw S3Error(.invalidRequest, "A key is required.") }
        guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }
        return key
    }

    /// Reads a small XML body (up to `S3Limits.maxXMLBodyBytes`), checking Content-MD5 and the signed payload hash.
    func readXMLBody(_ request: Request, _ context: S3Context) async throws -> XMLNode {
        let body = try await collectBody(request, context, limit: S3Limits.maxXMLBodyBytes)
        guard body.readableBytes > 0 else { throw S3Error(.malformedXML) }
        return try XMLNode.parse(body.readableBytesView)
    }

    /// Collects a small body, verifying Content-MD5 and `x-amz-content-sha256`.
    func collectBody(_ request: Request, _ context: S3Context, limit: Int) async throws -> ByteBuffer {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw S3Error(.entityTooLarge)
        } catch let error as S3Error {
            throw error
        } catch {
            throw S3Error(.incompleteBody)
        }
        let expectedMD5 = try contentMD5(context)
        if let expectedMD5 {
            let md5 = body.withUnsafeReadableBytes { Array(Insecure.MD5.hash(data: $0)) }
            guard md5 == expectedMD5 else { throw S3Error(.badDigest) }
        }
        if let expected = signedPayloadSHA256(context) {
            let sha = body.withUnsafeReadableBytes { Array(SHA256.hash(data: $0)) }
            guard sha == expected else { throw S3Error(.xAmzContentSHA256Mismatch) }
        }
        return body
    }

    /// The decoded Content-MD5 header; InvalidDigest if it is not base64 of 16 bytes.
    func contentMD5(_ context: S3Context) throws -> [UInt8]? {
        guard let header = context.request.headers[.contentMD5] else { return nil }
        guard let bytes = Data(base64Encoded: header), bytes.count == 16 else { throw S3Error(.invalidDigest) }
        return Array(bytes)
    }

    /// The payload SHA-256 the client signed, when it signed one (not UNSIGNED-PAYLOAD).
    func signedPayloadSHA256(_ context: S3Context) -> [UInt8]? {
        guard let hash = context.payloadHash, hash.utf8.count == 64 else { return nil }
        return Hex.decode(hash)
    }

    /// An XML response.
    func xml(_ writer: XMLWriter, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        return Response(status: status, headers: headers, body: .init(byteBuffer: writer.byteBuffer))
    }
}
