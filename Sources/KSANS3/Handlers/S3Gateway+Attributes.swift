import Foundation
import HTTPTypes
import Hummingbird
import KSANData
import KSANMetadata

extension S3Gateway {
    /// GetObjectAttributes: the attributes named in `x-amz-object-attributes` (ETag, Checksum, ObjectParts,
    /// StorageClass, ObjectSize) from metadata alone, without reading any data.
    func getObjectAttributes(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let request = context.request
        guard let header = request.header("x-amz-object-attributes") else {
            throw S3Error(
                .invalidArgument,
                "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"
            )
        }
        let known: Set<String> = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
        let wanted = Set(header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard !wanted.isEmpty, wanted.isSubset(of: known) else {
            throw S3Error(.invalidArgument, "Invalid attribute name specified.")
        }
        let version = try await requestedVersion(context, bucket: bucket, key: key)
        let checksum = version.headers.first { ChecksumAlgorithm(headerName: $0.key) != nil }
        var xml = XMLWriter()
        xml.open("GetObjectAttributesResponse", namespace: true)
        if wanted.contains("ETag") { xml.element("ETag", version.etag) }
        if wanted.contains("Checksum"), let (name, value) = checksum,
            let algorithm = ChecksumAlgorithm(headerName: name)
        {
            xml.element("Checksum") {
                $0.element("Checksum" + algorithm.rawValue, value)
                $0.element("ChecksumType", version.headers[MultipartChecksum.typeKey] ?? "FULL_OBJECT")
            }
        }
        if wanted.contains("ObjectParts"), let partCount = version.partCount {
            let marker = try request.integerHeader("x-amz-part-number-marker", in: 0...Int(Int32.max)) ?? 0
            let maxParts = Swift.min(try request.integerHeader("x-amz-max-parts", in: 0...Int(Int32.max)) ?? 1000, 1000)
            let parts = Array(version.segments.enumerated().dropFirst(marker).prefix(maxParts))
            let algorithm = checksum.flatMap { ChecksumAlgorithm(headerName: $0.key) }
            xml.element("ObjectParts") {
                $0.element("PartsCount", String(partCount))
                $0.element("PartNumberMarker", String(marker))
                if let last = parts.last, last.offset + 1 < partCount {
                    $0.element("NextPartNumberMarker", String(last.offset + 1))
                    $0.element("IsTruncated", "true")
                } else {
                    $0.element("IsTruncated", "false")
                }
                $0.element("MaxParts", String(maxParts))
                for (index, segment) in parts {
                    $0.element("Part") {
                        $0.element("PartNumber", String(index + 1))
                        $0.element("Size", String(segment.size))
                        if let algorithm, let value = segment.checksum {
                            $0.element("Checksum" + algorithm.rawValue, value)
                        }
                    }
                }
            }
        }
        if wanted.contains("StorageClass") { xml.element("StorageClass", Self.storageClass(of: version.headers)) }
        if wanted.contains("ObjectSize") { xml.element("ObjectSize", String(version.size)) }
        xml.close("GetObjectAttributesResponse")
        var response = self.xml(xml)
        response.headers[.lastModified] = HTTPDate.format(version.lastModified)
        if let versionId = Self.versionHeader(version.versionId, bucket: bucket) {
            response.headers[.amzVersionId] = versionId
        }
        return response
    }
}
