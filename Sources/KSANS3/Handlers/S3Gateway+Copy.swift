import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata

/// CopyObject: the source (`x-amz-copy-source`, its conditionals), the metadata directive, and the data copied.
extension S3Gateway {
    func copyObject(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let (source, versionNamed) = try await copySource(context)
        let directive = context.request.headers[.amzMetadataDirective] ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw S3Error(.invalidArgument, "Unknown metadata directive.")
        }
        let requestedClass = context.request.headers[HTTPField.Name(StorageClassName.header)!]
        // A copy of a version named by id onto its own key restores it as the current version (S3 allows it).
        if source.bucket == bucket.name && source.key == key && directive == "COPY" && requestedClass == nil
            && !versionNamed
        {
            throw S3Error(
                .invalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the "
                    + "object's metadata, storage class, website redirect location or encryption attributes.")
        }
        var (contentType, userMetadata, headers) = (source.contentType, source.userMetadata, source.headers)
        if directive == "REPLACE" { (contentType, userMetadata, headers) = try objectMetadata(context.request) }
        // The tag set follows x-amz-tagging-directive, not the metadata directive: the source's (COPY, the
        // default), or the request's x-amz-tagging (REPLACE; none given: none).
        if context.request.header("x-amz-tagging-directive") == "REPLACE" {
            let given = context.request.header(TagSet.storedHeader) ?? ""
            let tags = given.isEmpty ? TagSet(tags: []) : try TagSet(header: given, limit: TagSet.objectLimit)
            headers[TagSet.storedHeader] = tags.tags.isEmpty ? nil : tags.header
        } else {
            headers[TagSet.storedHeader] = source.headers[TagSet.storedHeader]
        }
        // Object lock is never copied: the copy has the request's retention and legal hold, or the bucket's default.
        for name in ObjectLockHeaders.all { headers[name] = nil }
        headers.merge(try await objectLockHeaders(context.request, bucket: bucket)) { $1 }
        // As in S3, a copy is STANDARD unless it asks for another class: the source's is not copied.
        let (poolId, storageClass) = try await placement(storageClass: requestedClass, bucket: bucket)
        headers = Self.storing(storageClass, in: headers)
        let written = try await copyData(source, range: 0..<source.size, poolId: poolId)
        let version = ObjectVersion(
            bucket: bucket.name, key: key, size: source.size, etag: Hex.encode(written.md5), lastModified: Date(),
            contentType: contentType, userMetadata: userMetadata, headers: headers, ownerId: bucket.ownerId,
            segments: [written.segment])
        let versionId = try await commit(version, in: bucket, written: [written.segment])
        var xml = XMLWriter()
        xml.open("CopyObjectResult", namespace: true)
        xml.element("LastModified", timestamp: version.lastModified)
        xml.element("ETag", "\"\(version.etag)\"")
        xml.close("CopyObjectResult")
        var response = self.xml(xml)
        if versionId != Self.nullVersionId { response.headers[.amzVersionId] = versionId }
        Self.describeCopySource(source, versionNamed: versionNamed, in: &response)
        return response
    }

    /// Re-stores a range of a source version into a pool, streaming stripe by stripe.
    func copyData(
        _ source: ObjectVersion, range: Range<Int64>, poolId: String, checksum: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData {
        let bytes = ObjectByteSequence(
            version: source, range: range, data: data, topology: try await data.topology.current())
        return try await data.write(
            body: bytes, length: Int64(range.count), maxLength: S3Limits.maxObjectSize, poolId: poolId, sha256: false,
            checksum: checksum)
    }

    /// `x-amz-copy-source-version-id`: the source's version id, when it has one or the request named one.
    static func describeCopySource(_ source: ObjectVersion, versionNamed: Bool, in response: inout Response) {
        if versionNamed || source.versionId != nullVersionId {
            response.headers[HTTPField.Name("x-amz-copy-source-version-id")!] = source.versionId
        }
    }

    /// The object named by `x-amz-copy-source` (`bucket/key` or `/bucket/key`, URL-encoded, with `?versionId=`
    /// for a version other than the current one), checked readable; and whether a version was named.
    func copySource(_ context: S3Context) async throws -> (version: ObjectVersion, versionNamed: Bool) {
        let user = try requireUser(context)
        guard var text = context.request.headers[.amzCopySource] else { throw S3Error(.invalidArgument) }
        var versionId: String?
        if let question = text.firstIndex(of: "?") {
            let query = text[text.index(after: question)...]
            if query.hasPrefix("versionId=") {
                let given = String(query.dropFirst("versionId=".count))
                let decoded = Percent.decode(given) ?? given
                try Self.checkVersionId(decoded)
                versionId = decoded
            }
            text = String(text[..<question])
        }
        guard let decoded = Percent.decode(text), !decoded.utf8.contains(0) else {
            throw S3Error(
                .invalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        }
        let path = decoded.hasPrefix("/") ? decoded.dropFirst() : Substring(decoded)
        guard let slash = path.firstIndex(of: "/"), slash != path.startIndex, path.index(after: slash) != path.endIndex
        else {
            throw S3Error(
                .invalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        }
        let bucketName = String(path[..<slash])
        let key = String(path[path.index(after: slash)...])
        guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }
        guard let bucket = try await metadata.bucket(name: bucketName) else {
            throw S3Error(.noSuchBucket, resource: "/" + bucketName)
        }
        guard bucket.ownerId == user.userId else { throw S3Error(.accessDenied) }
        try Self.checkExpectedOwner(context.request.header("x-amz-source-expected-bucket-owner"), of: bucket)
        guard let version = try await metadata.object(bucket: BucketRef(bucket), key: key, versionId: versionId)
        else {
            if versionId != nil { throw S3Error(.noSuchVersion, "The specified version does not exist.") }
            throw S3Error(.noSuchKey, resource: "/\(bucketName)/\(key)")
        }
        if version.isDeleteMarker {
            guard versionId != nil else { throw S3Error(.noSuchKey, resource: "/\(bucketName)/\(key)") }
            throw S3Error(
                .invalidRequest,
                "The source of a copy request may not specifically refer to a delete marker by version id.")
        }
        try checkWellFormed(version)
        let request = context.request
        let outcome = Preconditions.evaluate(
            etag: version.etag, lastModified: version.lastModified,
            ifMatch: request.header("x-amz-copy-source-if-match"),
            ifNoneMatch: request.header("x-amz-copy-source-if-none-match"),
            ifModifiedSince: request.header("x-amz-copy-source-if-modified-since"),
            ifUnmodifiedSince: request.header("x-amz-copy-source-if-unmodified-since"))
        guard outcome == .proceed else { throw S3Error(.preconditionFailed) }
        return (version, versionId != nil)
    }
}
