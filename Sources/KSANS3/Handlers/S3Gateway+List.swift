import Foundation
import Hummingbird
import KSANMetadata

extension S3Gateway {
    /// ListObjects (v1) and ListObjectsV2.
    func listObjects(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let request = context.request
        let v2 = context.operation == .listObjectsV2
        let urlEncoding = try encodingType(request)
        let maxKeys = try maxKeysParameter(request, name: "max-keys")
        let prefix = request.query("prefix") ?? ""
        let delimiter = request.query("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        var startAfter: String?
        let continuationToken = request.query("continuation-token")
        if v2 {
            if let token = continuationToken {
                guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8),
                    !key.utf8.contains(0)
                else {
                    throw S3Error(.invalidArgument, "The continuation token provided is incorrect")
                }
                startAfter = key
            } else {
                startAfter = request.query("start-after").flatMap { $0.isEmpty ? nil : $0 }
            }
        } else {
            startAfter = request.query("marker").flatMap { $0.isEmpty ? nil : $0 }
        }
        let result = try await metadata.listObjects(
            bucket: BucketRef(bucket),
            query: ListObjectsQuery(prefix: prefix, delimiter: delimiter, startAfter: startAfter, maxKeys: maxKeys))
        let encode: (String) -> String = { urlEncoding ? Percent.encode($0, keepSlash: true) : $0 }
        var xml = XMLWriter(
            capacity: Self.listingCapacity(keys: result.objects.lazy.map(\.key), prefixes: result.commonPrefixes))
        xml.open("ListBucketResult", namespace: true)
        xml.element("Name", bucket.name)
        xml.element("Prefix", encode(prefix))
        if v2 {
            if let token = continuationToken { xml.element("ContinuationToken", token) }
            if let after = request.query("start-after") { xml.element("StartAfter", encode(after)) }
            xml.element("KeyCount", String(result.objects.count + result.commonPrefixes.count))
        } else {
            xml.element("Marker", encode(request.query("marker") ?? ""))
            if result.isTruncated, delimiter != nil, let next = result.nextMarker {
                xml.element("NextMarker", encode(next))
            }
        }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", encode(delimiter)) }
        if urlEncoding { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", result.isTruncated ? "true" : "false")
        if v2, result.isTruncated, let next = result.nextMarker {
            xml.element("NextContinuationToken", Data(next.utf8).base64EncodedString())
        }
        let fetchOwner = !v2 || request.query("fetch-owner") == "true"
        for object in result.objects {
            xml.markup("<Contents><Key>")
            xml.text(encode(object.key))
            xml.markup("</Key>")
            Self.describe(object, ownerName: fetchOwner ? bucket.ownerDisplayName : nil, in: &xml)
            xml.markup("</Contents>")
        }
        for prefix in result.commonPrefixes {
            xml.element("CommonPrefixes") { $0.element("Prefix", encode(prefix)) }
        }
        xml.close("ListBucketResult")
        return self.xml(xml)
    }

    /// The elements of a listed object after its key (and version): LastModified, ETag, Size, the Owner when
    /// `ownerName` is given, StorageClass.
    /// Its fixed tags are written as markup: a page holds a thousand of these.
    static func describe(_ object: ObjectSummary, ownerName: String?, in xml: inout XMLWriter) {
        xml.markup("<LastModified>")
        xml.timestamp(object.lastModified)
        xml.markup("</LastModified><ETag>&quot;")
        xml.text(object.etag)
        xml.markup("&quot;</ETag><Size>")
        xml.integer(object.size)
        xml.markup("</Size>")
        if let ownerName {
            xml.markup("<Owner><ID>")
            xml.text(object.ownerId)
            xml.markup("</ID><DisplayName>")
            xml.text(ownerName)
            xml.markup("</DisplayName></Owner>")
        }
        xml.markup("<StorageClass>")
        xml.text(object.storageClass ?? StorageClassName.standard)
        xml.markup("</StorageClass>")
    }

    /// The bytes a listing page's XML is expected to take, so that its buffer is made once: each entry's fixed tags,
    /// timestamp, ETag, size, owner and storage class take less than 400 bytes besides the key.
    static func listingCapacity(keys: some Sequence<String>, prefixes: [String]) -> Int {
        var capacity = 1024
        for key in keys { capacity += 400 + key.utf8.count }
        for prefix in prefixes { capacity += 48 + prefix.utf8.count }
        return capacity
    }

    /// `encoding-type`: absent, or `url`; anything else is InvalidArgument.
    func encodingType(_ request: S3Request) throws -> Bool {
        guard let value = request.query("encoding-type") else { return false }
        guard value.lowercased() == "url" else {
            throw S3Error(.invalidArgument, "Invalid Encoding Method specified in Request")
        }
        return true
    }

    /// A `max-keys`-style parameter: default 1000, at most 1000, a non-negative integer.
    func maxKeysParameter(_ request: S3Request, name: String) throws -> Int {
        min(try request.integerQuery(name, in: 0...Int(Int32.max)) ?? S3Limits.maxListKeys, S3Limits.maxListKeys)
    }
}
