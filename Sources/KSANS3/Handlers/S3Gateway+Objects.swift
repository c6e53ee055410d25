import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANMetadata

extension S3Gateway {
    /// GET's `response-*` query parameters and the headers they override.
    static let responseOverrides: [(String, HTTPField.Name)] = [
        ("response-content-type", .contentType), ("response-content-language", .contentLanguage),
        ("response-expires", .expires), ("response-cache-control", .cacheControl),
        ("response-content-disposition", .contentDisposition), ("response-content-encoding", .contentEncoding),
    ]

    /// Standard headers stored with an object and returned on GET/HEAD.
    static let storedHeaders: [HTTPField.Name] = [
        .contentEncoding, .contentDisposition, .cacheControl, .contentLanguage, .expires,
    ]

    func putObject(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let (contentType, userMetadata, headers) = try objectMetadata(context.request)
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
        try await commit(version, in: bucket, written: [written.segment], condition: condition)
        var responseHeaders = HTTPFields()
        responseHeaders[.eTag] = "\"\(version.etag)\""
        if let (name, value) = written.checksumHeader, let field = HTTPField.Name(name) {
            responseHeaders[field] = value
        }
        return Response(status: .ok, headers: responseHeaders)
    }

    /// Commits a version of `bucket`. If metadata refuses the commit, the data just written is discarded; if the
    /// outcome is unknown, it is kept (see ``discardIfRefused(_:_:reason:)``).
    func commit(
        _ version: ObjectVersion, in bucket: BucketRecord, written: [ObjectSegment],
        condition: WriteCondition = WriteCondition()
    ) async throws {
        do {
            _ = try await metadata.putObject(version, in: BucketRef(bucket), condition: condition)
        } catch {
            discardIfRefused(error, written, reason: "commit refused")
            throw error
        }
    }

    /// Deletes the data of a failed commit, but only when metadata definitely refused it. A timeout, a lost
    /// connection, a cancelled request or a metadata service that answered "unavailable" may hide a commit that
    /// landed: deleting its shards would lose an object that is current. Such data keeps its write intent, which
    /// the commit deleted if it landed; if it did not, garbage collection deletes the data once the intent ages out.
    func discardIfRefused(_ error: any Error, _ written: [ObjectSegment], reason: String) {
        guard Self.isDefiniteRefusal(error) else {
            data.logger.warning(
                "commit outcome unknown: its data is kept, and collected later if the commit did not land",
                metadata: ["ksan.data": "\(written.compactMap(\.layout?.dataId))", "error": "\(error)"])
            return
        }
        for layout in written.compactMap(\.layout) { data.discard(layout, reason: reason) }
    }

    /// Whether metadata answered, and its answer was no: an error it sent that is neither "unavailable" nor
    /// "internal".
    static func isDefiniteRefusal(_ error: any Error) -> Bool {
        guard let error = error as? MetadataError else { return false }
        return error.code != .unavailable && error.code != .internal
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
                body: body, length: length, poolId: poolId, sha256: false, checksum: checksum?.algorithm)
        } else {
            expectedSHA = signedPayloadSHA256(context)
            written = try await data.write(
                body: RequestBodyStream(base: request.body), length: try Self.bodyLength(request), poolId: poolId,
                sha256: expectedSHA != nil, checksum: checksum?.algorithm)
        }
        do {
            if let expectedSHA, written.sha256 != expectedSHA { throw S3Error(.xAmzContentSHA256Mismatch) }
            if let expectedMD5, written.md5 != expectedMD5 { throw S3Error(.badDigest) }
            if let checksum, let computed = written.checksum {
                try checksum.verify(computed: computed, trailer: trailer.trailers[checksum.algorithm.headerName])
            }
        } catch {
            discard(written, reason: "digest mismatch")
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

    /// Deletes the shards of data that will not be committed.
    func discard(_ written: WrittenData, reason: String) {
        if let layout = written.segment.layout { data.discard(layout, reason: reason) }
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

    /// Content-Type, `x-amz-meta-*` and stored standard headers of a request.
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
        if let encoding = headers["content-encoding"] {
            // aws-chunked describes the transfer, not the object.
            let kept = encoding.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0.lowercased() != "aws-chunked" }
            headers["content-encoding"] = kept.isEmpty ? nil : kept.joined(separator: ",")
        }
        return (request.headers[.contentType] ?? "binary/octet-stream", user, headers)
    }

    func getObject(_ context: S3Context, head: Bool) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        guard let version = try await metadata.object(bucket: BucketRef(bucket), key: key) else {
            throw S3Error(.noSuchKey, resource: "/\(bucket.name)/\(key)")
        }
        try checkWellFormed(version)
        var headers = HTTPFields()
        headers[.eTag] = "\"\(version.etag)\""
        headers[.lastModified] = HTTPDate.format(version.lastModified)
        let request = context.request
        switch Preconditions.evaluate(
            etag: version.etag, lastModified: version.lastModified, ifMatch: request.headers[.ifMatch],
            ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince],
            ifUnmodifiedSince: request.headers[.ifUnmodifiedSince])
        {
        case .failed: throw S3Error(.preconditionFailed)
        case .notModified: return Response(status: .notModified, headers: headers)
        case .proceed: break
        }
        headers[.contentType] = version.contentType
        headers[.acceptRanges] = "bytes"
        let checksumMode = request.header("x-amz-checksum-mode")?.uppercased() == "ENABLED"
        let wholeObject = request.headers[.range] == nil && request.query("partNumber") == nil
        for (name, value) in version.headers {
            if name.hasPrefix("x-amz-checksum-") {
                // Only the checksum values and their type are answered, and only when asked for the whole object.
                let answered = ChecksumAlgorithm(headerName: name) != nil || name == MultipartChecksum.typeKey
                guard answered && checksumMode && wholeObject else { continue }
            }
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        for (name, value) in version.userMetadata.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name("x-amz-meta-" + name) { headers[field] = value }
        }
        for (parameter, field) in Self.responseOverrides {
            if let value = request.query(parameter) { headers[field] = value }
        }
        var range: Range<Int64> = 0..<version.size
        var status = HTTPResponse.Status.ok
        if let partText = context.request.query("partNumber") {
            guard let part = Int(partText), (1...S3Limits.maxPartNumber).contains(part) else {
                throw S3Error.invalidPartNumberArgument
            }
            let count = version.partCount ?? 1
            guard part <= max(count, version.segments.count) else { throw S3Error(.invalidPartNumber) }
            if version.partCount != nil || part > 1 {
                let start = version.segments.prefix(part - 1).reduce(Int64(0)) { $0 + $1.size }
                range = start..<(start + version.segments[part - 1].size)
                status = .partialContent
            }
            if let partCount = version.partCount {
                headers[HTTPField.Name("x-amz-mp-parts-count")!] = String(partCount)
            }
        } else if let rangeHeader = context.request.headers[.range],
            let requested = try ByteRange.parse(rangeHeader, size: version.size)
        {
            range = requested
            status = .partialContent
        }
        if status == .partialContent {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(version.size)"
        }
        headers[.contentLength] = String(range.count)
        if head { return Response(status: status, headers: headers) }
        let bytes = ObjectByteSequence(
            version: version, range: range, data: data, topology: try await data.topology.current())
        return Response(status: status, headers: headers, body: .init(asyncSequence: bytes))
    }

    func deleteObject(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        _ = try await metadata.deleteObject(bucket: BucketRef(bucket), key: key)
        return Response(status: .noContent)
    }

    func deleteObjects(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "Delete" else { throw S3Error(.malformedXML) }
        let objects = root.children("Object")
        guard !objects.isEmpty, objects.count <= S3Limits.maxDeleteKeys else { throw S3Error(.malformedXML) }
        let quiet = root.child("Quiet")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
        var targets: [(key: String, versionId: String?)] = []
        for object in objects {
            guard let key = object.child("Key")?.text, !key.isEmpty else { throw S3Error(.malformedXML) }
            targets.append((key, object.child("VersionId")?.text))
        }
        var xml = XMLWriter()
        xml.open("DeleteResult", namespace: true)
        for (key, versionId) in targets {
            do {
                guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }
                // Every object's one version is `null` until versioning exists: that one is the object.
                if let versionId { try Self.checkVersionId(versionId) }
                _ = try await metadata.deleteObject(bucket: BucketRef(bucket), key: key)
                if !quiet {
                    xml.element("Deleted") {
                        $0.element("Key", key)
                        if let versionId { $0.element("VersionId", versionId) }
                    }
                }
            } catch {
                let s3Error = S3Error.from(error) ?? S3Error(.internalError)
                xml.element("Error") {
                    $0.element("Key", key)
                    if let versionId { $0.element("VersionId", versionId) }
                    $0.element("Code", s3Error.code.name)
                    $0.element("Message", s3Error.message)
                }
            }
        }
        xml.close("DeleteResult")
        return self.xml(xml)
    }

    func copyObject(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let source = try await copySource(context)
        let directive = context.request.headers[.amzMetadataDirective] ?? "COPY"
        guard directive == "COPY" || directive == "REPLACE" else {
            throw S3Error(.invalidArgument, "Unknown metadata directive.")
        }
        let requestedClass = context.request.headers[HTTPField.Name(StorageClassName.header)!]
        if source.bucket == bucket.name && source.key == key && directive == "COPY" && requestedClass == nil {
            throw S3Error(
                .invalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the "
                    + "object's metadata, storage class, website redirect location or encryption attributes.")
        }
        var (contentType, userMetadata, headers) = (source.contentType, source.userMetadata, source.headers)
        if directive == "REPLACE" { (contentType, userMetadata, headers) = try objectMetadata(context.request) }
        // As in S3, a copy is STANDARD unless it asks for another class: the source's is not copied.
        let (poolId, storageClass) = try await placement(storageClass: requestedClass, bucket: bucket)
        headers = Self.storing(storageClass, in: headers)
        let written = try await copyData(source, range: 0..<source.size, poolId: poolId)
        let version = ObjectVersion(
            bucket: bucket.name, key: key, size: source.size, etag: Hex.encode(written.md5), lastModified: Date(),
            contentType: contentType, userMetadata: userMetadata, headers: headers, ownerId: bucket.ownerId,
            segments: [written.segment])
        try await commit(version, in: bucket, written: [written.segment])
        var xml = XMLWriter()
        xml.open("CopyObjectResult", namespace: true)
        xml.element("LastModified", XMLWriter.timestamp(version.lastModified))
        xml.element("ETag", "\"\(version.etag)\"")
        xml.close("CopyObjectResult")
        return self.xml(xml)
    }

    /// Re-stores a range of a source version into a pool, streaming stripe by stripe.
    func copyData(
        _ source: ObjectVersion, range: Range<Int64>, poolId: String, checksum: ChecksumAlgorithm? = nil
    ) async throws -> WrittenData {
        let bytes = ObjectByteSequence(
            version: source, range: range, data: data, topology: try await data.topology.current())
        return try await data.write(
            body: bytes, length: Int64(range.count), poolId: poolId, sha256: false, checksum: checksum)
    }

    /// The object named by `x-amz-copy-source` (`bucket/key` or `/bucket/key`, URL-encoded), checked readable.
    func copySource(_ context: S3Context) async throws -> ObjectVersion {
        let user = try requireUser(context)
        guard var text = context.request.headers[.amzCopySource] else { throw S3Error(.invalidArgument) }
        if let question = text.firstIndex(of: "?") {
            let query = text[text.index(after: question)...]
            if query.hasPrefix("versionId=") { try Self.checkVersionId(String(query.dropFirst("versionId=".count))) }
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
        guard let version = try await metadata.object(bucket: BucketRef(bucket), key: key) else {
            throw S3Error(.noSuchKey, resource: "/\(bucketName)/\(key)")
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
        return version
    }
}
