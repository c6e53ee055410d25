import Foundation
import HTTPTypes
import Hummingbird
import KSANMetadata

/// Object lock: Put/GetObjectLockConfiguration, Put/GetObjectRetention, Put/GetObjectLegalHold, and the
/// `x-amz-object-lock-*` headers of PutObject, CopyObject and CreateMultipartUpload. A version's retention and legal
/// hold are kept among its headers (``ObjectLockHeaders``), answered by GET and HEAD, and enforced by metadata.
extension S3Gateway {
    func putObjectLockConfiguration(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "ObjectLockConfiguration",
            root.child("ObjectLockEnabled")?.text.trimmingCharacters(in: .whitespacesAndNewlines) == "Enabled"
        else { throw S3Error(.malformedXML) }
        var retention: DefaultRetention?
        if let rule = root.child("Rule") {
            guard let defaults = rule.child("DefaultRetention"),
                let mode = ObjectLockMode(rawValue: defaults.child("Mode")?.text.trimmed ?? "")
            else { throw S3Error(.malformedXML) }
            let days = defaults.child("Days")?.text.trimmed
            let years = defaults.child("Years")?.text.trimmed
            guard (days == nil) != (years == nil), let period = Int(days ?? years ?? "") else {
                throw S3Error(.malformedXML)
            }
            guard period > 0 else {
                throw S3Error(.invalidArgument, "Default retention period must be a positive integer value.")
            }
            // S3's limit: 100 years.
            guard period <= (days == nil ? 100 : 36_500) else {
                throw S3Error(.invalidArgument, "Default retention period is too large.")
            }
            retention = DefaultRetention(
                mode: mode, days: days == nil ? nil : period, years: years == nil ? nil : period)
        }
        defer { buckets.invalidate(bucket.name) }
        try await metadata.setObjectLockConfiguration(BucketRef(bucket), defaultRetention: retention)
        return Response(status: .ok)
    }

    func getObjectLockConfiguration(_ context: S3Context) async throws -> Response {
        let cached = try await requireBucket(context)
        let bucket = try await current(cached)
        guard bucket.objectLock else {
            throw S3Error(.objectLockConfigurationNotFound, "Object Lock configuration does not exist for this bucket")
        }
        var xml = XMLWriter()
        xml.open("ObjectLockConfiguration", namespace: true)
        xml.element("ObjectLockEnabled", "Enabled")
        if let retention = bucket.defaultRetention {
            xml.element("Rule") {
                $0.element("DefaultRetention") {
                    $0.element("Mode", retention.mode.rawValue)
                    if let days = retention.days { $0.element("Days", String(days)) }
                    if let years = retention.years { $0.element("Years", String(years)) }
                }
            }
        }
        xml.close("ObjectLockConfiguration")
        return self.xml(xml)
    }

    func putObjectRetention(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "Retention" else { throw S3Error(.malformedXML) }
        let modeText = root.child("Mode")?.text.trimmed
        let untilText = root.child("RetainUntilDate")?.text.trimmed
        guard (modeText == nil) == (untilText == nil) else { throw S3Error(.malformedXML) }
        var mode: ObjectLockMode?
        var until: Date?
        if let modeText, let untilText {
            guard let parsed = ObjectLockMode(rawValue: modeText) else { throw S3Error(.malformedXML) }
            mode = parsed
            until = try Self.retainUntilDate(untilText)
        }
        let versionId = try await metadata.setObjectRetention(
            bucket: BucketRef(bucket), key: key, versionId: try Self.versionIdParameter(context.request), mode: mode,
            retainUntil: until, bypassGovernance: Self.bypassesGovernance(context.request))
        return Self.taggingResponse(.ok, versionId: versionId, bucket: bucket)
    }

    func getObjectRetention(_ context: S3Context) async throws -> Response {
        let (bucket, version) = try await lockedVersion(context)
        guard let mode = version.headers[ObjectLockHeaders.mode],
            let until = version.headers[ObjectLockHeaders.retainUntil]
        else {
            throw S3Error(
                .noSuchObjectLockConfiguration, "The specified object does not have a ObjectLock configuration")
        }
        var xml = XMLWriter()
        xml.open("Retention", namespace: true)
        xml.element("Mode", mode)
        xml.element("RetainUntilDate", until)
        xml.close("Retention")
        var response = self.xml(xml)
        if let id = Self.versionHeader(version.versionId, bucket: bucket) { response.headers[.amzVersionId] = id }
        return response
    }

    func putObjectLegalHold(_ request: Request, _ context: S3Context) async throws -> Response {
        let bucket = try await requireBucket(context)
        let key = try requireKey(context)
        let root = try await readXMLBody(request, context)
        guard root.name == "LegalHold", let status = root.child("Status")?.text.trimmed,
            status == "ON" || status == "OFF"
        else { throw S3Error(.malformedXML) }
        let versionId = try await metadata.setObjectLegalHold(
            bucket: BucketRef(bucket), key: key, versionId: try Self.versionIdParameter(context.request),
            on: status == "ON")
        return Self.taggingResponse(.ok, versionId: versionId, bucket: bucket)
    }

    func getObjectLegalHold(_ context: S3Context) async throws -> Response {
        let (bucket, version) = try await lockedVersion(context)
        guard let status = version.headers[ObjectLockHeaders.legalHold] else {
            throw S3Error(
                .noSuchObjectLockConfiguration, "The specified object does not have a ObjectLock configuration")
        }
        var xml = XMLWriter()
        xml.open("LegalHold", namespace: true)
        xml.element("Status", status)
        xml.close("LegalHold")
        var response = self.xml(xml)
        if let id = Self.versionHeader(version.versionId, bucket: bucket) { response.headers[.amzVersionId] = id }
        return response
    }

    /// The version a GetObjectRetention or GetObjectLegalHold names, in a bucket with object lock.
    func lockedVersion(_ context: S3Context) async throws -> (BucketRecord, ObjectVersion) {
        let cached = try await requireBucket(context)
        let key = try requireKey(context)
        let bucket = cached.objectLock ? cached : try await current(cached)
        guard bucket.objectLock else {
            throw S3Error(.invalidRequest, "Bucket is missing Object Lock Configuration")
        }
        return (bucket, try await requestedVersion(context, bucket: bucket, key: key))
    }

    /// The object lock headers of a write, checked as S3 checks them, as the version's stored headers; none when the
    /// request has none. InvalidRequest on a bucket without object lock.
    func objectLockHeaders(_ request: S3Request, bucket: BucketRecord) async throws -> [String: String] {
        try await objectLockHeaders(bucket: bucket) { request.header($0) }
    }

    /// The same for the fields of a POST Object form, which carry the headers' names (lower-cased) and values.
    func objectLockHeaders(form fields: [String: String], bucket: BucketRecord) async throws -> [String: String] {
        try await objectLockHeaders(bucket: bucket) { fields[$0] }
    }

    private func objectLockHeaders(
        bucket: BucketRecord, _ value: (String) -> String?
    ) async throws -> [String: String] {
        let mode = value(ObjectLockHeaders.mode)
        let until = value(ObjectLockHeaders.retainUntil)
        let legalHold = value(ObjectLockHeaders.legalHold)
        guard mode != nil || until != nil || legalHold != nil else { return [:] }
        // The cached record may predate a PutObjectLockConfiguration: ask again before refusing.
        let fresh = bucket.objectLock ? bucket : try await current(bucket)
        guard fresh.objectLock else {
            throw S3Error(.invalidRequest, "Bucket is missing Object Lock Configuration")
        }
        var headers: [String: String] = [:]
        switch (mode, until) {
        case (nil, nil):
            break
        case (let mode?, let until?):
            guard let parsed = ObjectLockMode(rawValue: mode) else {
                throw S3Error(.invalidArgument, "Unknown wormMode directive.")
            }
            headers[ObjectLockHeaders.mode] = parsed.rawValue
            headers[ObjectLockHeaders.retainUntil] = ObjectLockHeaders.format(try Self.retainUntilDate(until))
        default:
            throw S3Error(
                .invalidArgument,
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
        }
        if let legalHold {
            guard legalHold == "ON" || legalHold == "OFF" else {
                throw S3Error(.invalidArgument, "Legal Hold must be either of 'ON' or 'OFF'")
            }
            headers[ObjectLockHeaders.legalHold] = legalHold
        }
        return headers
    }

    /// A retain-until date (ISO 8601, with or without fractional seconds), in the future.
    static func retainUntilDate(_ text: String) throws -> Date {
        let date =
            (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
        guard let date else {
            throw S3Error(.invalidArgument, "The retain until date must be provided in ISO 8601 format")
        }
        guard date > Date() else { throw S3Error(.invalidArgument, "The retain until date must be in the future!") }
        return date
    }

    /// `x-amz-bypass-governance-retention: true`.
    static func bypassesGovernance(_ request: S3Request) -> Bool {
        request.header("x-amz-bypass-governance-retention")?.lowercased() == "true"
    }
}

extension String {
    /// Without leading and trailing white space.
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
