import Foundation
import Hummingbird
import KSANMetadata

extension S3Gateway {
    /// GetBucketVersioning: buckets are never versioned yet, which S3 answers with an empty configuration (no
    /// `Status`), so that clients probing for versioning (s3fs, tools that empty buckets) go on.
    func getBucketVersioning(_ context: S3Context) async throws -> Response {
        _ = try await requireBucket(context)
        var xml = XMLWriter()
        xml.open("VersioningConfiguration", namespace: true)
        xml.close("VersioningConfiguration")
        return self.xml(xml)
    }

    /// ListObjectVersions of a bucket that was never versioned: every object is its one version, `null`, the
    /// latest, listed in key order with `prefix`, `delimiter`, `key-marker`, `version-id-marker`, `max-keys` and
    /// `encoding-type` as S3 lists versions.
    func listObjectVersions(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let request = context.request
        let urlEncoding = try encodingType(request)
        let maxKeys = try maxKeysParameter(request, name: "max-keys")
        let prefix = request.query("prefix") ?? ""
        let delimiter = request.query("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        let keyMarker = request.query("key-marker") ?? ""
        let versionIdMarker = request.query("version-id-marker") ?? ""
        if !versionIdMarker.isEmpty {
            let problem: String? =
                keyMarker.isEmpty
                ? "A version-id marker cannot be specified without a key marker."
                : versionIdMarker == Self.nullVersionId ? nil : "Invalid version id specified"
            if let problem {
                throw S3Error(
                    .invalidArgument, problem,
                    details: [
                        S3Error.Detail("ArgumentName", "version-id-marker"),
                        S3Error.Detail("ArgumentValue", versionIdMarker),
                    ])
            }
        }
        // Each key has one version, so the versions after (key-marker, null) and after key-marker are the same:
        // those of the keys after it.
        let result = try await metadata.listObjects(
            bucket: BucketRef(bucket),
            query: ListObjectsQuery(
                prefix: prefix, delimiter: delimiter, startAfter: keyMarker.isEmpty ? nil : keyMarker,
                maxKeys: maxKeys))
        let encode: (String) -> String = { urlEncoding ? Percent.encode($0, keepSlash: true) : $0 }
        var xml = XMLWriter()
        xml.open("ListVersionsResult", namespace: true)
        xml.element("Name", bucket.name)
        xml.element("Prefix", encode(prefix))
        xml.element("KeyMarker", encode(keyMarker))
        xml.element("VersionIdMarker", versionIdMarker)
        if result.isTruncated, let next = result.nextMarker {
            xml.element("NextKeyMarker", encode(next))
            // After a key, the next page starts after its version; after a common prefix, after the prefix.
            if result.objects.last?.key == next { xml.element("NextVersionIdMarker", Self.nullVersionId) }
        }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", encode(delimiter)) }
        if urlEncoding { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", result.isTruncated ? "true" : "false")
        for object in result.objects {
            xml.element("Version") {
                $0.element("Key", encode(object.key))
                $0.element("VersionId", Self.nullVersionId)
                $0.element("IsLatest", "true")
                Self.describe(object, ownerName: bucket.ownerDisplayName, in: &$0)
            }
        }
        for prefix in result.commonPrefixes {
            xml.element("CommonPrefixes") { $0.element("Prefix", encode(prefix)) }
        }
        xml.close("ListVersionsResult")
        return self.xml(xml)
    }

    /// The version id of every object until versioning exists (S3's id of versions written while a bucket is not
    /// versioned).
    static let nullVersionId = "null"

    /// A `versionId` of a read or delete: absent or `null` names the object's one version; any other is
    /// NoSuchVersion.
    static func checkVersionId(_ versionId: String?) throws {
        guard let versionId, versionId != nullVersionId else { return }
        throw S3Error(.noSuchVersion, "The specified version does not exist.")
    }
}
