import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata

extension S3Gateway {
    func createMultipartUpload(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        var (contentType, userMetadata, headers) = try objectMetadata(context.request)
        headers.merge(try await objectLockHeaders(context.request, bucket: bucket)) { $1 }
        let checksum = try MultipartChecksum.from(context.request)
        if let checksum { headers.merge(checksum.headers) { $1 } }
        // The parts go to the class's pool; the class is stored with the upload and then with the version.
        let (poolId, storageClass) = try await placement(
            storageClass: context.request.headers[HTTPField.Name(StorageClassName.header)!], bucket: bucket)
        headers = Self.storing(storageClass, in: headers)
        let upload = MultipartUpload(
            uploadId: Identifier.hex(bytes: 16), bucket: bucket.name, key: key, initiated: Date(),
            ownerId: bucket.ownerId, contentType: contentType, userMetadata: userMetadata, headers: headers,
            poolId: poolId)
        try await metadata.createUpload(upload, in: BucketRef(bucket))
        var xml = XMLWriter()
        xml.open("InitiateMultipartUploadResult", namespace: true)
        xml.element("Bucket", bucket.name)
        xml.element("Key", key)
        xml.element("UploadId", upload.uploadId)
        xml.close("InitiateMultipartUploadResult")
        var response = self.xml(xml)
        if let checksum {
            response.headers[HTTPField.Name("x-amz-checksum-algorithm")!] = checksum.algorithm.rawValue
            response.headers[HTTPField.Name("x-amz-checksum-type")!] = checksum.typeName
        }
        return response
    }

    /// The upload named by `uploadId`, checked to belong to the addressed bucket and key.
    func requireUpload(_ context: S3Context) async throws -> (BucketRecord, MultipartUpload) {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        guard let uploadId = context.request.query("uploadId"),
            let upload = try await metadata.upload(bucket: BucketRef(bucket), key: key, uploadId: uploadId)
        else { throw S3Error(.noSuchUpload) }
        return (bucket, upload)
    }

    func partNumber(_ context: S3Context) throws -> Int {
        guard let text = context.request.query("partNumber"), let number = Int(text),
            (1...S3Limits.maxPartNumber).contains(number)
        else {
            throw S3Error.invalidPartNumberArgument
        }
        return number
    }

    func uploadPart(_ request: Request, _ context: S3Context) async throws -> Response {
        let number = try partNumber(context)
        let (bucket, upload) = try await requireUpload(context)
        let written = try await receiveBody(
            request, context, poolId: upload.poolId, uploadChecksum: MultipartChecksum(upload: upload)?.algorithm)
        let etag = try await storePart(bucket: bucket, upload: upload, number: number, written: written)
        var headers = HTTPFields()
        headers[.eTag] = "\"\(etag)\""
        if let (name, value) = written.checksumHeader, let field = HTTPField.Name(name) { headers[field] = value }
        return Response(status: .ok, headers: headers)
    }

    func storePart(bucket: BucketRecord, upload: MultipartUpload, number: Int, written: WrittenData) async throws
        -> String
    {
        let etag = Hex.encode(written.md5)
        var segment = written.segment
        segment.checksum = written.checksum
        _ = try await data.committing([written.segment], reason: "part commit refused") {
            try await metadata.putPart(
                bucket: BucketRef(bucket), key: upload.key, uploadId: upload.uploadId,
                part: PartRecord(partNumber: number, etag: etag, lastModified: Date(), segment: segment))
        }
        return etag
    }

    func uploadPartCopy(_ context: S3Context) async throws -> Response {
        let number = try partNumber(context)
        let (bucket, upload) = try await requireUpload(context)
        let (source, versionNamed) = try await copySource(context)
        var range: Range<Int64> = 0..<source.size
        if let header = context.request.header("x-amz-copy-source-range") {
            guard let requested = try? ByteRange.parse(header, size: source.size), header.hasPrefix("bytes="),
                !header.contains("=-")
            else {
                throw S3Error(
                    .invalidArgument,
                    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
                        + "the zero-based offsets of the first and last bytes to copy")
            }
            range = requested
        }
        guard Int64(range.count) <= S3Limits.maxObjectSize else { throw S3Error(.entityTooLarge) }
        let written = try await copyData(
            source, range: range, poolId: upload.poolId, checksum: MultipartChecksum(upload: upload)?.algorithm)
        let etag = try await storePart(bucket: bucket, upload: upload, number: number, written: written)
        var xml = XMLWriter()
        xml.open("CopyPartResult", namespace: true)
        xml.element("LastModified", timestamp: Date())
        xml.element("ETag", "\"\(etag)\"")
        xml.close("CopyPartResult")
        var response = self.xml(xml)
        Self.describeCopySource(source, versionNamed: versionNamed, in: &response)
        return response
    }

    func completeMultipartUpload(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let uploadId = context.request.query("uploadId") ?? ""
        guard let upload = try await metadata.upload(bucket: BucketRef(bucket), key: key, uploadId: uploadId) else {
            // Completed already (a retry whose first response was lost), or no such upload.
            let parts = try completionParts(try await readXMLBody(request, context), checksum: nil)
            return try await retriedCompletion(bucket: bucket, key: key, uploadId: uploadId, parts: parts)
        }
        let checksum = MultipartChecksum(upload: upload)
        var parts = try completionParts(try await readXMLBody(request, context), checksum: checksum)
        let requested = parts
        var headers: [String: String]?
        var elements: [String: String] = [:]
        if let checksum,
            let value = try await objectChecksum(checksum, bucket: bucket, upload: upload, parts: &parts)
        {
            if let expected = context.request.header(checksum.algorithm.headerName),
                expected != value, expected + "-\(parts.count)" != value
            {
                throw S3Error(
                    .badDigest,
                    "The \(checksum.algorithm.rawValue) you specified did not match the calculated checksum.")
            }
            headers = upload.headers
            headers?[MultipartChecksum.algorithmKey] = nil
            headers?[checksum.algorithm.headerName] = value
            elements = ["Checksum" + checksum.algorithm.rawValue: value, "ChecksumType": checksum.typeName]
        }
        // One transaction commits the object with its checksum; the parts' checksums it was computed from are
        // pinned in `parts`, so a part replaced meanwhile fails the completion instead of mismatching it.
        let version: ObjectVersion
        do {
            (version, _) = try await metadata.completeUpload(
                bucket: BucketRef(bucket), key: upload.key, uploadId: upload.uploadId, parts: parts,
                condition: try Preconditions.writeCondition(context.request), headers: headers,
                responseElements: elements)
        } catch let error as MetadataError where error.code == .noSuchUpload {
            // Another copy of this request completed the upload while this one computed.
            return try await retriedCompletion(bucket: bucket, key: key, uploadId: uploadId, parts: requested)
        }
        return completionResponse(
            bucket: bucket.name, key: upload.key, etag: version.etag, elements: elements,
            versionId: version.versionId == Self.nullVersionId ? nil : version.versionId)
    }

    /// The parts named by a CompleteMultipartUpload document, with the client's checksum of each part when the
    /// upload has a checksum algorithm.
    func completionParts(_ root: XMLNode, checksum: MultipartChecksum?) throws -> [CompletedPart] {
        guard root.name == "CompleteMultipartUpload" else { throw S3Error(.malformedXML) }
        var parts: [CompletedPart] = []
        for part in root.children("Part") {
            guard let numberText = part.child("PartNumber")?.text.trimmingCharacters(in: .whitespacesAndNewlines),
                let number = Int(numberText), let etag = part.child("ETag")?.text
            else { throw S3Error(.malformedXML) }
            guard (1...S3Limits.maxPartNumber).contains(number) else { throw S3Error.invalidPartNumberArgument }
            let bare = etag.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
            // The client's checksum of the part, checked against the stored one (InvalidPart if they differ).
            let given = checksum.flatMap { part.child("Checksum" + $0.algorithm.rawValue)?.text }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            parts.append(CompletedPart(partNumber: number, etag: bare, checksum: given))
        }
        guard !parts.isEmpty else { throw S3Error(.malformedXML) }
        guard parts.count <= S3Limits.maxPartNumber else { throw S3Error(.malformedXML) }
        return parts
    }

    /// The answer to a CompleteMultipartUpload of an upload that is gone: the same success as the completion
    /// that ended it, if that completion named the same parts within ``CompletedUpload/retention``, as S3
    /// answers retries; NoSuchUpload otherwise.
    func retriedCompletion(bucket: BucketRecord, key: String, uploadId: String, parts: [CompletedPart])
        async throws -> Response
    {
        guard
            let completed = try await metadata.completedUpload(bucket: BucketRef(bucket), key: key, uploadId: uploadId),
            completed.partsDigest == CompletedUpload.digest(of: parts)
        else { throw S3Error(.noSuchUpload) }
        return completionResponse(
            bucket: bucket.name, key: key, etag: completed.etag, elements: completed.responseElements,
            versionId: completed.versionId)
    }

    func completionResponse(
        bucket: String, key: String, etag: String, elements: [String: String], versionId: String?
    ) -> Response {
        var xml = XMLWriter()
        xml.open("CompleteMultipartUploadResult", namespace: true)
        xml.element("Location", "/\(bucket)/\(Percent.encode(key, keepSlash: true))")
        xml.element("Bucket", bucket)
        xml.element("Key", key)
        xml.element("ETag", "\"\(etag)\"")
        // The object checksum, then its type, as S3 orders them.
        for name in elements.keys.sorted() where name != "ChecksumType" { xml.element(name, elements[name] ?? "") }
        if let type = elements["ChecksumType"] { xml.element("ChecksumType", type) }
        xml.close("CompleteMultipartUploadResult")
        var response = self.xml(xml)
        if let versionId { response.headers[.amzVersionId] = versionId }
        return response
    }

    /// The object checksum of a completion from the stored parts' checksums, with each named part's checksum
    /// pinned in `parts` (InvalidPart where the client gave another). Nil when a named part is missing or has
    /// another ETag: the completion then fails in metadata with InvalidPart.
    func objectChecksum(
        _ checksum: MultipartChecksum, bucket: BucketRecord, upload: MultipartUpload, parts: inout [CompletedPart]
    ) async throws -> String? {
        var stored: [Int: PartRecord] = [:]
        var marker = 0
        while true {
            let page = try await metadata.listParts(
                bucket: BucketRef(bucket), key: upload.key, uploadId: upload.uploadId, partNumberMarker: marker,
                maxParts: S3Limits.maxListKeys)
            for part in page.parts { stored[part.partNumber] = part }
            guard page.isTruncated, let next = page.nextPartNumberMarker else { break }
            marker = next
        }
        var segments: [ObjectSegment] = []
        for index in parts.indices {
            let quotes = CharacterSet(charactersIn: "\"")
            guard let part = stored[parts[index].partNumber],
                part.etag.trimmingCharacters(in: quotes).lowercased() == parts[index].etag.lowercased()
            else { return nil }
            if let given = parts[index].checksum, given != part.segment.checksum {
                throw S3Error(
                    .invalidPart,
                    "One or more of the specified parts could not be found. The part may not have been uploaded, "
                        + "or the specified checksum may not match the part's checksum (part \(part.partNumber))")
            }
            parts[index].checksum = part.segment.checksum ?? ""
            segments.append(part.segment)
        }
        return try checksum.objectChecksum(of: segments)
    }

    func abortMultipartUpload(_ context: S3Context) async throws -> Response {
        let (bucket, upload) = try await requireUpload(context)
        _ = try await metadata.abortUpload(bucket: BucketRef(bucket), key: upload.key, uploadId: upload.uploadId)
        return Response(status: .noContent)
    }

    func listParts(_ context: S3Context) async throws -> Response {
        let (bucket, upload) = try await requireUpload(context)
        let request = context.request
        let marker = try request.integerQuery("part-number-marker", in: 0...Int(Int32.max)) ?? 0
        let maxParts = try request.integerQuery("max-parts", in: 0...Int(Int32.max)) ?? 1000
        let result = try await metadata.listParts(
            bucket: BucketRef(bucket), key: upload.key, uploadId: upload.uploadId, partNumberMarker: marker,
            maxParts: min(maxParts, 1000))
        var xml = XMLWriter()
        xml.open("ListPartsResult", namespace: true)
        xml.element("Bucket", bucket.name)
        xml.element("Key", upload.key)
        xml.element("UploadId", upload.uploadId)
        xml.element("Initiator") {
            $0.element("ID", upload.ownerId)
            $0.element("DisplayName", bucket.ownerDisplayName)
        }
        xml.element("Owner") {
            $0.element("ID", upload.ownerId)
            $0.element("DisplayName", bucket.ownerDisplayName)
        }
        xml.element("StorageClass", Self.storageClass(of: upload.headers))
        xml.element("PartNumberMarker", String(marker))
        if let next = result.nextPartNumberMarker { xml.element("NextPartNumberMarker", String(next)) }
        xml.element("MaxParts", String(min(maxParts, 1000)))
        xml.element("IsTruncated", result.isTruncated ? "true" : "false")
        for part in result.parts {
            xml.element("Part") {
                $0.element("PartNumber", String(part.partNumber))
                $0.element("LastModified", timestamp: part.lastModified)
                $0.element("ETag", "\"\(part.etag)\"")
                $0.element("Size", String(part.size))
            }
        }
        xml.close("ListPartsResult")
        return self.xml(xml)
    }

    func listMultipartUploads(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let request = context.request
        let urlEncoding = try encodingType(request)
        let maxUploads = try maxKeysParameter(request, name: "max-uploads")
        let query = ListUploadsQuery(
            prefix: request.query("prefix") ?? "",
            delimiter: request.query("delimiter").flatMap { $0.isEmpty ? nil : $0 },
            keyMarker: request.query("key-marker").flatMap { $0.isEmpty ? nil : $0 },
            uploadIdMarker: request.query("upload-id-marker").flatMap { $0.isEmpty ? nil : $0 }, maxUploads: maxUploads)
        let result = try await metadata.listUploads(bucket: BucketRef(bucket), query: query)
        let encode: (String) -> String = { urlEncoding ? Percent.encode($0, keepSlash: true) : $0 }
        var xml = XMLWriter()
        xml.open("ListMultipartUploadsResult", namespace: true)
        xml.element("Bucket", bucket.name)
        xml.element("KeyMarker", encode(query.keyMarker ?? ""))
        xml.element("UploadIdMarker", query.uploadIdMarker ?? "")
        if let next = result.nextKeyMarker { xml.element("NextKeyMarker", encode(next)) }
        if let next = result.nextUploadIdMarker { xml.element("NextUploadIdMarker", next) }
        xml.element("Prefix", encode(query.prefix))
        if let delimiter = query.delimiter { xml.element("Delimiter", encode(delimiter)) }
        if urlEncoding { xml.element("EncodingType", "url") }
        xml.element("MaxUploads", String(maxUploads))
        xml.element("IsTruncated", result.isTruncated ? "true" : "false")
        for upload in result.uploads {
            xml.element("Upload") {
                $0.element("Key", encode(upload.key))
                $0.element("UploadId", upload.uploadId)
                $0.element("Initiator") {
                    $0.element("ID", upload.ownerId)
                    $0.element("DisplayName", bucket.ownerDisplayName)
                }
                $0.element("Owner") {
                    $0.element("ID", upload.ownerId)
                    $0.element("DisplayName", bucket.ownerDisplayName)
                }
                $0.element("StorageClass", Self.storageClass(of: upload.headers))
                $0.element("Initiated", timestamp: upload.initiated)
            }
        }
        for prefix in result.commonPrefixes {
            xml.element("CommonPrefixes") { $0.element("Prefix", encode(prefix)) }
        }
        xml.close("ListMultipartUploadsResult")
        return self.xml(xml)
    }
}
