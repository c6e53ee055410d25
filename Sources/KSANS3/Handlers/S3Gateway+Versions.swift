import Foundation
import HTTPTypes
import Hummingbird
import KSANMetadata

/// PutBucketVersioning, GetBucketVersioning and ListObjectVersions, and what the other handlers share about
/// version ids: the `versionId` parameter, the `x-amz-version-id` and `x-amz-delete-marker` headers, and how a
/// delete marker answers.
extension S3Gateway {
    /// PutBucketVersioning: `Status` Enabled or Suspended (a bucket never returns to unversioned). MFA delete is not
    /// supported: `MfaDelete` Enabled, or an `x-amz-mfa` header, is NotImplemented; `Disabled` is what it is.
    func putBucketVersioning(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        if context.request.header("x-amz-mfa") != nil {
            throw S3Error(.notImplemented, "MFA delete is not supported: x-amz-mfa cannot be honoured.")
        }
        let root = try await readXMLBody(request, context)
        guard root.name == "VersioningConfiguration" else { throw S3Error(.malformedXML) }
        switch root.child("MfaDelete")?.text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case nil, "Disabled": break
        case "Enabled": throw S3Error(.notImplemented, "MFA delete is not supported.")
        default: throw S3Error(.malformedXML)
        }
        let status: VersioningStatus
        switch root.child("Status")?.text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "Enabled": status = .enabled
        case "Suspended": status = .suspended
        case nil where bucket.versioning == .unversioned && root.child("MfaDelete") != nil:
            // Only MFA delete, disabled, on a bucket never versioned: nothing changes.
            return Response(status: .ok)
        default: throw S3Error(.malformedXML)
        }
        // Suspending a bucket that was never versioned is what S3 does too: it is then "Suspended".
        defer { buckets.invalidate(bucket.name) }
        try await metadata.setVersioning(BucketRef(bucket), status: status)
        return Response(status: .ok)
    }

    /// GetBucketVersioning: `Status` once versioning was ever enabled or suspended; an empty configuration before.
    func getBucketVersioning(_ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        // Read through, not from the cache: a client that just changed it reads its change.
        let versioning = try await current(bucket).versioning
        var xml = XMLWriter()
        xml.open("VersioningConfiguration", namespace: true)
        if versioning != .unversioned { xml.element("Status", versioning.rawValue) }
        xml.close("VersioningConfiguration")
        return self.xml(xml)
    }

    /// ListObjectVersions: versions and delete markers in key order, newest first within a key, with `prefix`,
    /// `delimiter`, `key-marker`, `version-id-marker`, `max-keys` and `encoding-type`; on a bucket never versioned
    /// every object is its one version, `null`.
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
                : Self.isWellFormed(versionId: versionIdMarker) ? nil : "Invalid version id specified"
            if let problem {
                throw S3Error(
                    .invalidArgument, problem,
                    details: [
                        S3Error.Detail("ArgumentName", "version-id-marker"),
                        S3Error.Detail("ArgumentValue", versionIdMarker),
                    ])
            }
        }
        let result = try await metadata.listObjectVersions(
            bucket: BucketRef(bucket),
            query: ListVersionsQuery(
                prefix: prefix, delimiter: delimiter, keyMarker: keyMarker.isEmpty ? nil : keyMarker,
                versionIdMarker: versionIdMarker.isEmpty ? nil : versionIdMarker, maxKeys: maxKeys))
        let encode: (String) -> String = { urlEncoding ? Percent.encode($0, keepSlash: true) : $0 }
        var xml = XMLWriter(
            capacity: Self.listingCapacity(keys: result.versions.lazy.map(\.key), prefixes: result.commonPrefixes))
        xml.open("ListVersionsResult", namespace: true)
        xml.element("Name", bucket.name)
        xml.element("Prefix", encode(prefix))
        xml.element("KeyMarker", encode(keyMarker))
        xml.element("VersionIdMarker", versionIdMarker)
        if let next = result.nextKeyMarker { xml.element("NextKeyMarker", encode(next)) }
        if let next = result.nextVersionIdMarker { xml.element("NextVersionIdMarker", next) }
        xml.element("MaxKeys", String(maxKeys))
        if let delimiter { xml.element("Delimiter", encode(delimiter)) }
        if urlEncoding { xml.element("EncodingType", "url") }
        xml.element("IsTruncated", result.isTruncated ? "true" : "false")
        // Versions and markers interleaved, in the listing's order (S3's).
        // Fixed tags as markup: a page holds a thousand of these.
        for version in result.versions {
            xml.markup(version.isDeleteMarker ? "<DeleteMarker><Key>" : "<Version><Key>")
            xml.text(encode(version.key))
            xml.markup("</Key><VersionId>")
            xml.text(version.versionId)
            xml.markup(
                version.isLatest ? "</VersionId><IsLatest>true</IsLatest>" : "</VersionId><IsLatest>false</IsLatest>")
            xml.markup("<LastModified>")
            xml.timestamp(version.lastModified)
            xml.markup("</LastModified>")
            if !version.isDeleteMarker {
                xml.markup("<ETag>&quot;")
                xml.text(version.etag)
                xml.markup("&quot;</ETag><Size>")
                xml.integer(version.size)
                xml.markup("</Size>")
            }
            xml.markup("<Owner><ID>")
            xml.text(version.ownerId)
            xml.markup("</ID><DisplayName>")
            xml.text(bucket.ownerDisplayName)
            xml.markup("</DisplayName></Owner>")
            if !version.isDeleteMarker {
                xml.markup("<StorageClass>")
                xml.text(version.storageClass ?? StorageClassName.standard)
                xml.markup("</StorageClass>")
            }
            xml.markup(version.isDeleteMarker ? "</DeleteMarker>" : "</Version>")
        }
        for prefix in result.commonPrefixes {
            xml.element("CommonPrefixes") { $0.element("Prefix", encode(prefix)) }
        }
        xml.close("ListVersionsResult")
        return self.xml(xml)
    }

    /// The id of versions written while a bucket is not versioned.
    static let nullVersionId = VersionID.null

    /// The `versionId` query parameter: nil when absent; InvalidArgument when empty or not an id this store could
    /// have made (S3 answers "Invalid version id specified" for ids it cannot have made too).
    static func versionIdParameter(_ request: S3Request) throws -> String? {
        guard let versionId = request.query("versionId") else { return nil }
        try checkVersionId(versionId)
        return versionId
    }

    /// InvalidArgument unless `versionId` is `null` or well formed.
    static func checkVersionId(_ versionId: String) throws {
        guard !versionId.isEmpty else {
            throw S3Error(.invalidArgument, "Version id cannot be the empty string")
        }
        guard isWellFormed(versionId: versionId) else {
            throw S3Error(.invalidArgument, "Invalid version id specified")
        }
    }

    /// Whether a version id could name a version: `null`, or up to 1,024 characters of the URL-safe set that ids
    /// of S3 and of other stores are made of (ids replicated from elsewhere keep their form).
    static func isWellFormed(versionId: String) -> Bool {
        guard versionId.utf8.count <= 1024, !versionId.isEmpty else { return false }
        return versionId.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"),
                UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                true
            default: false
            }
        }
    }

    /// The `x-amz-version-id` a response about `version` carries: its id, also `null` once the bucket was ever
    /// versioned; none for the objects of a bucket never versioned.
    static func versionHeader(_ versionId: String, bucket: BucketRecord) -> String? {
        versionId != nullVersionId || bucket.versioning != .unversioned ? versionId : nil
    }

    /// The version a GET, HEAD or tagging call names (`versionId`), or the current one: NoSuchKey when there is
    /// none or it is a delete marker (with `x-amz-delete-marker` and the marker's id, as S3 answers), NoSuchVersion
    /// for an id no version has, MethodNotAllowed for a delete marker named by id.
    func requestedVersion(_ context: S3Context, bucket: BucketRecord, key: String) async throws -> ObjectVersion {
        let versionId = try Self.versionIdParameter(context.request)
        guard let version = try await metadata.object(bucket: BucketRef(bucket), key: key, versionId: versionId)
        else {
            if versionId != nil {
                throw S3Error(
                    .noSuchVersion, "The specified version does not exist.", resource: "/\(bucket.name)/\(key)")
            }
            throw S3Error(.noSuchKey, resource: "/\(bucket.name)/\(key)")
        }
        guard version.isDeleteMarker else { return version }
        var error =
            versionId == nil
            ? S3Error(.noSuchKey, resource: "/\(bucket.name)/\(key)")
            : S3Error(.methodNotAllowed, "The specified method is not allowed against this resource.")
        error.headers = [
            S3Error.Detail("x-amz-delete-marker", "true"), S3Error.Detail("x-amz-version-id", version.versionId),
        ]
        if versionId != nil {
            error.headers.append(S3Error.Detail("Allow", "DELETE"))
            error.headers.append(S3Error.Detail("Last-Modified", HTTPDate.format(version.lastModified)))
        }
        throw error
    }
}
