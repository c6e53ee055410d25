import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import KSANData
import KSANMetadata

extension S3Gateway {
    /// POST Object: a browser form upload (`multipart/form-data`) authenticated by a signed policy in the form
    /// (SigV4 or SigV2), whose conditions are enforced; the file is streamed into storage, never buffered whole.
    func postObject(_ request: Request, _ context: S3Context) async throws -> Response {
        var parser = try MultipartFormParser(
            contentType: request.headers[.contentType] ?? "", body: RequestBodyStream(base: request.body))
        var context = context
        // Until the form's signature is checked, the request is anonymous: at most `maxUnauthenticatedForms` are read
        // at once, each at most 20 KB before its file.
        let busy = S3Error(.slowDown, "Too many form uploads are being authenticated; please retry.")
        let (fields, fileName) = try await unauthenticatedForms.run(orThrow: busy) {
            let (fields, fileName, _) = try await parser.readFields()
            if context.user == nil, let accessKeyId = try PostSignature.accessKeyId(fields: fields) {
                guard fields["policy"] != nil else {
                    throw S3Error(.invalidArgument, "Bucket POST must contain a field named 'policy'.")
                }
                let key = try await accessKey(accessKeyId)
                try PostSignature.verify(fields: fields, secretKey: key.secretKey, region: configuration.region)
                context.user = key
            }
            return (fields, fileName)
        }
        // A NUL can be neither a key nor metadata: refused before anything reaches metadata.
        guard !fields.values.contains(where: { $0.utf8.contains(0) }), !(fileName ?? "").utf8.contains(0) else {
            throw S3Error(.invalidArgument, "A form field contains a NUL character.")
        }
        let bucket = try await requireBucket(context)
        try UnhonouredHeaders.checkForm(fields: fields)
        var range: ClosedRange<Int64>?
        if let policy = fields["policy"] {
            range = try PostPolicy.check(policyBase64: policy, fields: fields, bucket: bucket.name, now: Date())
        }
        guard var key = fields["key"], !key.isEmpty else {
            throw S3Error(.invalidArgument, "Bucket POST must contain a field named 'key'.")
        }
        key = key.replacingOccurrences(of: "${filename}", with: fileName ?? "")
        guard key.utf8.count <= S3Limits.maxKeyBytes else { throw S3Error(.keyTooLongError) }

        var userMetadata: [String: String] = [:]
        var headers: [String: String] = [:]
        for (name, value) in fields {
            if name.hasPrefix("x-amz-meta-") { userMetadata[String(name.dropFirst("x-amz-meta-".count))] = value }
            if Self.storedHeaders.contains(where: { $0.canonicalName == name }) { headers[name] = value }
        }
        try Self.checkUserMetadataSize(userMetadata)
        // The form's `tagging` field is a Tagging document (not the header's query string), as S3 reads it.
        if let tagging = fields["tagging"], !tagging.isEmpty {
            let tags = try TagSet(xml: try XMLNode.parse(Array(tagging.utf8)), limit: TagSet.objectLimit)
            if !tags.tags.isEmpty { headers[TagSet.storedHeader] = tags.header }
        }
        // Object lock fields, checked as a PutObject's headers; the bucket's default retention applies at the commit.
        headers.merge(try await objectLockHeaders(form: fields, bucket: bucket)) { $1 }
        let (poolId, storageClass) = try await placement(storageClass: fields[StorageClassName.header], bucket: bucket)
        headers = Self.storing(storageClass, in: headers)
        let maxLength = Swift.min(range?.upperBound ?? S3Limits.maxObjectSize, S3Limits.maxObjectSize)
        let written = try await data.write(
            body: parser.fileBytes(), length: nil, maxLength: maxLength, poolId: poolId, sha256: false)
        if let range, !range.contains(written.segment.size) {
            data.abandon(written, reason: "outside content-length-range")
            throw S3Error(written.segment.size < range.lowerBound ? .entityTooSmall : .entityTooLarge)
        }
        let version = ObjectVersion(
            bucket: bucket.name, key: key, size: written.segment.size, etag: Hex.encode(written.md5),
            lastModified: Date(), contentType: fields["content-type"] ?? "binary/octet-stream",
            userMetadata: userMetadata, headers: headers, ownerId: bucket.ownerId, segments: [written.segment])
        let versionId = try await commit(version, in: bucket, written: [written.segment])

        let etag = "\"\(version.etag)\""
        let location = "/\(bucket.name)/\(Percent.encode(key, keepSlash: true))"
        var responseHeaders = HTTPFields()
        responseHeaders[.eTag] = etag
        responseHeaders[.location] = location
        if versionId != Self.nullVersionId { responseHeaders[.amzVersionId] = versionId }
        if let redirect = fields["success_action_redirect"] ?? fields["redirect"],
            var components = URLComponents(string: redirect), components.scheme != nil
        {
            var items = components.queryItems ?? []
            items += [
                URLQueryItem(name: "bucket", value: bucket.name), URLQueryItem(name: "key", value: key),
                URLQueryItem(name: "etag", value: etag),
            ]
            components.queryItems = items
            if let url = components.string {
                responseHeaders[.location] = url
                return Response(status: .seeOther, headers: responseHeaders)
            }
        }
        switch fields["success_action_status"] {
        case "200":
            return Response(status: .ok, headers: responseHeaders)
        case "201":
            var xml = XMLWriter()
            xml.open("PostResponse")
            xml.element("Location", location)
            xml.element("Bucket", bucket.name)
            xml.element("Key", key)
            xml.element("ETag", etag)
            xml.close("PostResponse")
            var response = self.xml(xml, status: .created)
            response.headers[.eTag] = etag
            response.headers[.location] = location
            response.headers[.amzVersionId] = responseHeaders[.amzVersionId]
            return response
        default:
            return Response(status: .noContent, headers: responseHeaders)
        }
    }
}
