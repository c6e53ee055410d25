import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata

/// PutObject: the body streamed to the data plane, its checks, and the commit that makes the version current.
extension S3Gateway {
    /// Standard headers stored with an object and returned on GET/HEAD.
    static let storedHeaders: [HTTPField.Name] = [
        .contentEncoding, .contentDisposition, .cacheControl, .contentLanguage, .expires,
    ]

    func putObject(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        var (contentType, userMetadata, headers) = try objectMetadata(context.request)
        headers.merge(try await objectLockHeaders(context.request, bucket: bucket)) { $1 }
        let condition = try Preconditions.writeCondition(context.request)
        if !condition.isEmpty {
            // Fail fast before moving any data; the commit checks again atomically.
            try condition.check(currentETag: try await metadata.object(bucket: BucketRef(bucket), key: key)?.etag)
        }
        let (poolId, storageClass) = try await placement(
            storageClass: context.request.headers[HTTPField.Name(StorageClassName.header)!], bucket: bucket)
        let written = try await receiveBody(request, context, poolId: poolId)
        var stored = Self.storing(storageClass, in: headers)
        if let (name, value) = written.checksumHeader { stored[name] = value }
        let version = ObjectVersion(
            bucket: bucket.name, key: key, size: written.segment.size, etag: Hex.encode(written.md5),
            lastModified: Date(), contentType: contentType, userMetadata: userMetadata, headers: stored,
            ownerId: bucket.ownerId, segments: [written.segment])
        let versionId = try await commit(version, in: bucket, written: [written.segment], condition: condition)
        var responseHeaders = HTTPFields()
        responseHeaders[.eTag] = "\"\(version.etag)\""
        if versionId != Self.nullVersionId { responseHeaders[.amzVersionId] = versionId }
        if let (name, value) = written.checksumHeader, let field = HTTPField.Name(name) {
            responseHeaders[field] = value
        }
        return Response(status: .ok, headers: responseHeaders)
    }

    /// Commits a version of `bucket` and returns the version id metadata gave it (`null` unless the bucket's
    /// versioning is enabled). If metadata refuses the commit, the data just written is discarded; if the
    /// outcome is unknown, it is kept (see `DataPlane.committing`).
    func commit(
        _ version: ObjectVersion, in bucket: BucketRecord, written: [ObjectSegment],
        condition: WriteCondition = WriteCondition()
    ) async throws -> String {
        try await data.committing(written, reason: "commit refused") {
            try await metadata.commitObject(version, in: BucketRef(bucket), condition: condition).versionId
        }
    }

    /// Streams a PUT or UploadPart body into storage and checks Content-MD5, the signed payload hash and the
    /// additional checksum. Plain bodies are framed by Content-Length; `aws-chunked` streaming bodies by
    /// `x-amz-decoded-content-length`, with every chunk signature (and the trailer) verified on the way.
    /// - Parameter uploadChecksum: the algorithm of a multipart upload: computed even when the request names none,
    ///   and a request naming another one is InvalidRequest.
    func receiveBody(
        _ request: Request, _ context: S3Context, poolId: String, uploadChecksum: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData {
        var checksum = try ChecksumRequest.from(context.request)
        if let uploadChecksum {
            if let given = checksum?.algorithm, given != uploadChecksum {
                throw S3Error(
                    .invalidRequest,
                    "Checksum Type mismatch occurred, expected checksum Type: \(uploadChecksum.rawValue.lowercased()), "
                        + "actual checksum Type: \(given.rawValue.lowercased())")
            }
            if checksum == nil { checksum = ChecksumRequest(algorithm: uploadChecksum, expected: nil) }
        }
        let expectedMD5 = try contentMD5(context)
        let trailer = AWSChunkedTrailerSink()
        let written: WrittenData
        var expectedSHA: [UInt8]?
        if let mode = context.streaming {
            guard let text = context.request.headers[.amzDecodedContentLength] else {
                throw S3Error(.missingContentLength, "You must provide the x-amz-decoded-content-length header.")
            }
            let length = try Self.length(text)
            let trailerNames =
                context.request.header("x-amz-trailer")?.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? []
            let body = AWSChunkedDecoder(
                base: RequestBodyStream(base: request.body), mode: mode, decodedLength: length,
                expectsTrailer: AWSChunkedMode.expectsTrailer(payloadHash: context.payloadHash ?? ""),
                trailerNames: trailerNames, trailerSink: trailer)
            written = try await data.write(
                body: body, length: length, maxLength: S3Limits.maxObjectSize, poolId: poolId, sha256: false,
                checksum: checksum?.algorithm)
        } else {
            expectedSHA = signedPayloadSHA256(context)
            written = try await data.write(
                body: RequestBodyStream(base: request.body), length: try Self.bodyLength(request),
                maxLength: S3Limits.maxObjectSize, poolId: poolId, sha256: expectedSHA != nil,
                checksum: checksum?.algorithm)
        }
        do {
            if let expectedSHA, written.sha256 != expectedSHA { throw S3Error(.xAmzContentSHA256Mismatch) }
            if let expectedMD5, written.md5 != expectedMD5 { throw S3Error(.badDigest) }
            if let checksum, let computed = written.checksum {
                try checksum.verify(computed: computed, trailer: trailer.trailers[checksum.algorithm.headerName])
            }
        } catch {
            data.abandon(written, reason: "digest mismatch")
            throw error
        }
        return written
    }

    /// The length of a plain body: its Content-Length, or nil for a body sent with `Transfer-Encoding: chunked`
    /// (streamed up to the single-upload limit, EntityTooLarge past it). Neither is MissingContentLength.
    static func bodyLength(_ request: Request) throws -> Int64? {
        if let text = request.headers[.contentLength] { return try length(text) }
        let codings = request.headers[values: .transferEncoding].flatMap { $0.split(separator: ",") }
        guard codings.contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "chunked" }) else {
            throw S3Error(.missingContentLength)
        }
        return nil
    }

    /// A body length header, checked against the single-upload limit.
    static func length(_ text: String) throws -> Int64 {
        guard let length = Int64(text), length >= 0 else {
            throw S3Error(.invalidArgument, "The body length is not a valid length.")
        }
        guard length <= S3Limits.maxObjectSize else { throw S3Error(.entityTooLarge) }
        return length
    }

    /// MetadataTooLarge when user metadata (names and values, in UTF-8) is over S3's 2 KB.
    static func checkUserMetadataSize(_ metadata: [String: String]) throws {
        let size = metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard size <= S3Limits.maxUserMetadataBytes else {
            throw S3Error(
                .metadataTooLarge, "Your metadata headers exceed the maximum allowed metadata size.",
                details: [
                    S3Error.Detail("Size", String(size)),
                    S3Error.Detail("MaxSizeAllowed", String(S3Limits.maxUserMetadataBytes)),
                ])
        }
    }

    /// Content-Type, `x-amz-meta-*` and stored standard headers of a request, with its tag set (`x-amz-tagging`,
    /// validated) among the headers.
    func objectMetadata(_ request: S3Request) throws -> (String, [String: String], [String: String]) {
        var user: [String: String] = [:]
        for field in request.headers where field.name.canonicalName.hasPrefix("x-amz-meta-") {
            let name = String(field.name.canonicalName.dropFirst("x-amz-meta-".count))
            user[name] = user[name].map { $0 + "," + field.value } ?? field.value
        }
        try Self.checkUserMetadataSize(user)
        var headers: [String: String] = [:]
        for name in Self.storedHeaders {
            if let value = request.headers[name] { headers[name.canonicalName] = value }
        }
        if let tagging = request.header(TagSet.storedHeader), !tagging.isEmpty {
            let tags = try TagSet(header: tagging, limit: TagSet.objectLimit)
            if !tags.tags.isEmpty { headers[TagSet.storedHeader] = tags.header }
        }
        if let encoding = headers["content-encoding"] {
            // aws-chunked describes the transfer, not the object.
            let kept = encoding.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0.lowercased() != "aws-chunked" }
            headers["content-encoding"] = kept.isEmpty ? nil : kept.joined(separator: ",")
        }
        return (request.headers[.contentType] ?? "binary/octet-stream", user, headers)
    }
}
