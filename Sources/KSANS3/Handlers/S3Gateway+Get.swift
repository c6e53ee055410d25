import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata

/// GetObject and HeadObject: conditionals, ranges, `response-*` overrides, and the body streamed from the shards.
extension S3Gateway {
    /// GET's `response-*` query parameters and the headers they override.
    static let responseOverrides: [(String, HTTPField.Name)] = [
        ("response-content-type", .contentType), ("response-content-language", .contentLanguage),
        ("response-expires", .expires), ("response-cache-control", .cacheControl),
        ("response-content-disposition", .contentDisposition), ("response-content-encoding", .contentEncoding),
    ]

    func getObject(_ context: S3Context, head: Bool) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let version = try await requestedVersion(context, bucket: bucket, key: key)
        try checkWellFormed(version)
        var headers = HTTPFields()
        headers[.eTag] = "\"\(version.etag)\""
        headers[.lastModified] = HTTPDate.format(version.lastModified)
        if let versionId = Self.versionHeader(version.versionId, bucket: bucket) {
            headers[.amzVersionId] = versionId
        }
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
            if name == TagSet.storedHeader {
                // The tag set itself is GetObjectTagging's; GET and HEAD say how many tags there are.
                if let tags = try? TagSet(header: value, limit: Int.max), !tags.tags.isEmpty {
                    headers[HTTPField.Name("x-amz-tagging-count")!] = String(tags.tags.count)
                }
                continue
            }
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
}
