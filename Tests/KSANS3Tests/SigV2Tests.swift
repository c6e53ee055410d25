import Foundation
import KSANData
import Testing

@testable import KSANS3

/// One worked example of "Signing and Authenticating REST Requests" (AWS Signature Version 2, S3 documentation):
/// the request as sent, the published string to sign and the published signature.
struct SigV2Example: Sendable, CustomTestStringConvertible {
    var name: String
    var method: String
    var rawPath: String
    var rawQuery: String = ""
    var headers: [(name: String, value: String)]
    var virtualHostBucket: String?
    var stringToSign: String
    var signature: String
    /// The request's `Date`, seconds since 1970.
    var signedAt: Int

    var testDescription: String { name }

    /// The request with its `Authorization: AWS AKID:signature` header.
    func request(signature: String? = nil) -> SigV4Request {
        let authorization = "AWS \(SigV2Tests.accessKey):\(signature ?? self.signature)"
        return SigV4Request(
            method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers + [("Authorization", authorization)])
    }
}

/// Known-answer tests against the worked examples AWS publishes for Signature Version 2 ("Signing and
/// Authenticating REST Requests", access key `AKIAIOSFODNN7EXAMPLE`), plus canonicalization and failure cases.
@Suite struct SigV2Tests {
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    // MARK: Published requests

    static let objectGet = SigV2Example(
        name: "Object GET", method: "GET", rawPath: "/photos/puppy.jpg",
        headers: [("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:36:42 +0000")],
        virtualHostBucket: "johnsmith",
        stringToSign: "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
        signature: "bWq2s1WEIj+Ydj0vQ697zp+IXMU=", signedAt: 1_175_024_202)

    static let objectPut = SigV2Example(
        name: "Object PUT", method: "PUT", rawPath: "/photos/puppy.jpg",
        headers: [
            ("Content-Type", "image/jpeg"), ("Content-Length", "94328"), ("Host", "johnsmith.s3.amazonaws.com"),
            ("Date", "Tue, 27 Mar 2007 21:15:45 +0000"),
        ],
        virtualHostBucket: "johnsmith",
        stringToSign: "PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg",
        signature: "MyyxeRY7whkBe+bq8fHCL/2kKUg=", signedAt: 1_175_030_145)

    static let list = SigV2Example(
        name: "List", method: "GET", rawPath: "/", rawQuery: "prefix=photos&max-keys=50&marker=puppy",
        headers: [
            ("User-Agent", "Mozilla/5.0"), ("Host", "johnsmith.s3.amazonaws.com"),
            ("Date", "Tue, 27 Mar 2007 19:42:41 +0000"),
        ],
        virtualHostBucket: "johnsmith",
        stringToSign: "GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/",
        signature: "htDYFYduRNen8P9ZfE/s9SuKy0U=", signedAt: 1_175_024_561)

    static let fetch = SigV2Example(
        name: "Fetch", method: "GET", rawPath: "/", rawQuery: "acl",
        headers: [("Host", "johnsmith.s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 19:44:46 +0000")],
        virtualHostBucket: "johnsmith",
        stringToSign: "GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl",
        signature: "c2WLPFtWHVgbEmeEG93a4cG37dM=", signedAt: 1_175_024_686)

    static let upload = SigV2Example(
        name: "Upload", method: "PUT", rawPath: "/db-backup.dat.gz",
        headers: [
            ("User-Agent", "curl/7.15.5"), ("Host", "static.johnsmith.net:8080"),
            ("Date", "Tue, 27 Mar 2007 21:06:08 +0000"), ("x-amz-acl", "public-read"),
            ("content-type", "application/x-download"), ("Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="),
            ("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"), ("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"),
            ("X-Amz-Meta-FileChecksum", "0x02661779"), ("X-Amz-Meta-ChecksumAlgorithm", "crc32"),
            ("Content-Disposition", "attachment; filename=database.dat"), ("Content-Encoding", "gzip"),
            ("Content-Length", "5913339"),
        ],
        virtualHostBucket: "static.johnsmith.net",
        stringToSign: "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n"
            + "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n"
            + "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n/static.johnsmith.net/db-backup.dat.gz",
        signature: "ilyl83RwaSoYIEdixDQcA4OnAnc=", signedAt: 1_175_029_568)

    static let listAllMyBuckets = SigV2Example(
        name: "List All My Buckets", method: "GET", rawPath: "/",
        headers: [("Host", "s3.amazonaws.com"), ("Date", "Wed, 28 Mar 2007 01:29:59 +0000")],
        virtualHostBucket: nil,
        stringToSign: "GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/",
        signature: "qGdzdERIC03wnaRNKh6OqZehG9s=", signedAt: 1_175_045_399)

    static let unicodeKeys = SigV2Example(
        name: "Unicode Keys", method: "GET", rawPath: "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
        headers: [("Host", "s3.amazonaws.com"), ("Date", "Wed, 28 Mar 2007 01:49:49 +0000")],
        virtualHostBucket: nil,
        stringToSign: "GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
        signature: "DNEZGsoieTZ92F3bUfSPQcbGmlM=", signedAt: 1_175_046_589)

    static let headerExamples = [objectGet, objectPut, list, fetch, upload, listAllMyBuckets, unicodeKeys]

    /// The published query-string example (`Expires` 1175139620 = 2007-03-29T03:40:20Z).
    static let queryRequest = SigV4Request(
        method: "GET", rawPath: "/photos/puppy.jpg",
        rawQuery: "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D",
        headers: [("Host", "johnsmith.s3.amazonaws.com")])
    static let queryExpires = 1_175_139_620

    static func date(_ seconds: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    @Test(arguments: headerExamples)
    func publishedHeaderExampleVerifies(_ example: SigV2Example) throws {
        let request = example.request()
        let auth = try #require(try SigV2.parse(request))
        #expect(
            auth == SigV2Authorization(accessKeyId: Self.accessKey, signature: example.signature, isPresigned: false))
        #expect(
            SigV2.stringToSign(request, auth: auth, virtualHostBucket: example.virtualHostBucket)
                == example.stringToSign)
        #expect(SigV2.signature(stringToSign: example.stringToSign, secretKey: Self.secretKey) == example.signature)
        try SigV2.verify(
            request, auth: auth, secretKey: Self.secretKey, now: Self.date(example.signedAt + 60),
            virtualHostBucket: example.virtualHostBucket)
    }

    @Test func publishedQueryExampleVerifies() throws {
        let auth = try #require(try SigV2.parse(Self.queryRequest))
        #expect(
            auth
                == SigV2Authorization(
                    accessKeyId: Self.accessKey, signature: "NpgCjnDzrM+WFzoENXmpNDUsSn8=", isPresigned: true,
                    expires: Self.queryExpires))
        #expect(
            SigV2.stringToSign(Self.queryRequest, auth: auth, virtualHostBucket: "johnsmith")
                == "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg")
        // Query authentication has no clock-skew window: only Expires matters.
        try SigV2.verify(
            Self.queryRequest, auth: auth, secretKey: Self.secretKey, now: Self.date(Self.queryExpires - 86_400),
            virtualHostBucket: "johnsmith")
        try SigV2.verify(
            Self.queryRequest, auth: auth, secretKey: Self.secretKey, now: Self.date(Self.queryExpires),
            virtualHostBucket: "johnsmith")
    }

    /// The published "Delete" example signs `DELETE\n\n\nTue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg`
    /// (the x-amz-date value on the Date line), which contradicts the same document's rule that an `x-amz-date`
    /// header empties the Date line and is signed among the amz headers. Only the HMAC of the published string is
    /// checked here; the request itself is canonicalized by the rule and verified against its own signature.
    @Test func deleteExampleWithAmzDate() throws {
        let published = "DELETE\n\n\nTue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg"
        #expect(SigV2.signature(stringToSign: published, secretKey: Self.secretKey) == "lx3byBScXR6KzyMaifNkardMwNk=")

        let headers = [
            ("User-Agent", "dotnet"), ("Host", "s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 21:20:27 +0000"),
            ("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"),
        ]
        let unsigned = SigV4Request(method: "DELETE", rawPath: "/johnsmith/photos/puppy.jpg", headers: headers)
        let placeholder = SigV2Authorization(accessKeyId: Self.accessKey, signature: "", isPresigned: false)
        let toSign = SigV2.stringToSign(unsigned, auth: placeholder, virtualHostBucket: nil)
        #expect(toSign == "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg")

        let signature = SigV2.signature(stringToSign: toSign, secretKey: Self.secretKey)
        let request = SigV4Request(
            method: "DELETE", rawPath: "/johnsmith/photos/puppy.jpg",
            headers: headers + [("Authorization", "AWS \(Self.accessKey):\(signature)")])
        let auth = try #require(try SigV2.parse(request))
        try SigV2.verify(
            request, auth: auth, secretKey: Self.secretKey, now: Self.date(1_175_030_426), virtualHostBucket: nil)
    }

    // MARK: Canonicalization

    @Test func subresourcesAreFilteredSortedAndDecoded() {
        let request = SigV4Request(
            method: "GET", rawPath: "/photos/puppy.jpg",
            rawQuery: "versionId=v%2B1&response-content-type=text%2Fplain&prefix=a&uploads&acl=&max-keys=5",
            headers: [])
        #expect(
            SigV2.canonicalizedResource(request, virtualHostBucket: "johnsmith")
                == "/johnsmith/photos/puppy.jpg?acl&response-content-type=text/plain&uploads&versionId=v+1")
        #expect(
            SigV2.canonicalizedResource(
                SigV4Request(method: "GET", rawPath: "", rawQuery: "location", headers: []),
                virtualHostBucket: "bucket") == "/bucket/?location")
    }

    @Test func amzHeadersAreLowerCasedSortedCombinedAndUnfolded() {
        let request = SigV4Request(
            method: "PUT", rawPath: "/b/k",
            headers: [
                ("X-Amz-Meta-B", "  two  words  "), ("x-amz-meta-a", "first\r\n   line"), ("X-AMZ-META-A", "second"),
                ("Content-Type", "text/plain"), ("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"),
            ])
        #expect(
            SigV2.canonicalizedAmzHeaders(request)
                == "x-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\nx-amz-meta-a:first line,second\n"
                + "x-amz-meta-b:two  words\n")
    }

    // MARK: Parsing

    @Test func parseIgnoresAnonymousAndOtherSchemes() throws {
        #expect(try SigV2.parse(SigV4Request(method: "GET", rawPath: "/", headers: [])) == nil)
        let v4 = SigV4Request(
            method: "GET", rawPath: "/",
            headers: [("Authorization", "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request")])
        #expect(try SigV2.parse(v4) == nil)
        let v4Query = SigV4Request(
            method: "GET", rawPath: "/", rawQuery: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60", headers: [])
        #expect(try SigV2.parse(v4Query) == nil)
    }

    @Test(arguments: ["AWS nocolon", "AWS :sig", "AWS AKIAIOSFODNN7EXAMPLE:", "AWS a:b:c", "AWS"])
    func malformedHeaderIsRejected(_ value: String) {
        let request = SigV4Request(method: "GET", rawPath: "/", headers: [("Authorization", value)])
        #expect(
            throws: S3Error(.invalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
        ) {
            try SigV2.parse(request)
        }
    }

    @Test func headerAndQueryAuthTogetherAreRejected() {
        var request = Self.queryRequest
        request.headers.append(("Authorization", "AWS \(Self.accessKey):bWq2s1WEIj+Ydj0vQ697zp+IXMU="))
        let error = #expect(throws: S3Error.self) { try SigV2.parse(request) }
        #expect(error?.code == .invalidArgument)
    }

    @Test(arguments: [
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc%3D",
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620",
        "Signature=abc%3D&Expires=1175139620",
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc%3D&Expires=tomorrow",
        "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc%3D&Expires=-5",
    ])
    func incompleteQueryAuthIsDenied(_ query: String) {
        let request = SigV4Request(method: "GET", rawPath: "/k", rawQuery: query, headers: [])
        let error = #expect(throws: S3Error.self) { try SigV2.parse(request) }
        #expect(error?.code == .accessDenied)
    }

    @Test func unencodedPlusInQuerySignatureIsKept() throws {
        let request = SigV4Request(
            method: "GET", rawPath: "/photos/puppy.jpg",
            rawQuery: "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM+WFzoENXmpNDUsSn8%3D",
            headers: [("Host", "johnsmith.s3.amazonaws.com")])
        let auth = try #require(try SigV2.parse(request))
        #expect(auth.signature == "NpgCjnDzrM+WFzoENXmpNDUsSn8=")
        try SigV2.verify(
            request, auth: auth, secretKey: Self.secretKey, now: Self.date(Self.queryExpires - 60),
            virtualHostBucket: "johnsmith")
    }

    // MARK: Verification failures

    static func verifyError(
        _ request: SigV4Request, secretKey: String = secretKey, now: Date, virtualHostBucket: String?
    ) throws -> S3Error? {
        let auth = try #require(try SigV2.parse(request))
        do {
            try SigV2.verify(
                request, auth: auth, secretKey: secretKey, now: now, virtualHostBucket: virtualHostBucket)
            return nil
        } catch {
            return error
        }
    }

    @Test func wrongSecretDoesNotMatch() throws {
        let example = Self.objectGet
        let error = try Self.verifyError(
            example.request(), secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ",
            now: Self.date(example.signedAt), virtualHostBucket: example.virtualHostBucket)
        #expect(error?.code == .signatureDoesNotMatch)
    }

    @Test func wrongSignatureOrBucketDoesNotMatch() throws {
        let example = Self.objectGet
        let now = Self.date(example.signedAt)
        let wrong = try Self.verifyError(
            example.request(signature: "MyyxeRY7whkBe+bq8fHCL/2kKUg="), now: now, virtualHostBucket: "johnsmith")
        #expect(wrong?.code == .signatureDoesNotMatch)
        let otherBucket = try Self.verifyError(example.request(), now: now, virtualHostBucket: "janesmith")
        #expect(otherBucket?.code == .signatureDoesNotMatch)
    }

    @Test func tamperedHeadersDoNotMatch() throws {
        var put = Self.objectPut.request()
        put.headers[0] = ("Content-Type", "image/png")
        let contentType = try Self.verifyError(
            put, now: Self.date(Self.objectPut.signedAt), virtualHostBucket: "johnsmith")
        #expect(contentType?.code == .signatureDoesNotMatch)

        var upload = Self.upload.request()
        upload.headers[3] = ("x-amz-acl", "public-read-write")
        let amzHeader = try Self.verifyError(
            upload, now: Self.date(Self.upload.signedAt), virtualHostBucket: "static.johnsmith.net")
        #expect(amzHeader?.code == .signatureDoesNotMatch)

        var added = Self.objectGet.request()
        added.headers.append(("x-amz-meta-extra", "1"))
        let extraHeader = try Self.verifyError(
            added, now: Self.date(Self.objectGet.signedAt), virtualHostBucket: "johnsmith")
        #expect(extraHeader?.code == .signatureDoesNotMatch)

        var acl = Self.fetch.request()
        acl.rawQuery = "policy"
        let subresource = try Self.verifyError(acl, now: Self.date(Self.fetch.signedAt), virtualHostBucket: "johnsmith")
        #expect(subresource?.code == .signatureDoesNotMatch)
    }

    @Test func expiredQueryAuthIsDenied() throws {
        let error = try Self.verifyError(
            Self.queryRequest, now: Self.date(Self.queryExpires + 1), virtualHostBucket: "johnsmith")
        #expect(error == S3Error(.accessDenied, "Request has expired"))
    }

    @Test(arguments: [-16 * 60, 16 * 60, 365 * 86_400])
    func skewedHeaderAuthIsRejected(_ offset: Int) throws {
        let example = Self.objectGet
        let error = try Self.verifyError(
            example.request(), now: Self.date(example.signedAt + offset), virtualHostBucket: "johnsmith")
        #expect(error?.code == .requestTimeTooSkewed)
    }

    @Test(arguments: [-14 * 60, 14 * 60])
    func smallSkewIsAccepted(_ offset: Int) throws {
        let example = Self.objectGet
        let error = try Self.verifyError(
            example.request(), now: Self.date(example.signedAt + offset), virtualHostBucket: "johnsmith")
        #expect(error == nil)
    }

    @Test func amzDateTakesPrecedenceForSkew() throws {
        // Date is current but x-amz-date (the signed time) is an hour old.
        let headers = [
            ("Host", "s3.amazonaws.com"), ("Date", "Tue, 27 Mar 2007 22:20:26 +0000"),
            ("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"),
        ]
        let unsigned = SigV4Request(method: "DELETE", rawPath: "/johnsmith/photos/puppy.jpg", headers: headers)
        let placeholder = SigV2Authorization(accessKeyId: Self.accessKey, signature: "", isPresigned: false)
        let signature = SigV2.expectedSignature(
            unsigned, auth: placeholder, secretKey: Self.secretKey, virtualHostBucket: nil)
        let request = SigV4Request(
            method: "DELETE", rawPath: "/johnsmith/photos/puppy.jpg",
            headers: headers + [("Authorization", "AWS \(Self.accessKey):\(signature)")])
        let error = try Self.verifyError(request, now: Self.date(1_175_030_426 + 3_600), virtualHostBucket: nil)
        #expect(error?.code == .requestTimeTooSkewed)
    }

    @Test func missingOrInvalidDateIsDenied() throws {
        let missing = SigV4Request(
            method: "GET", rawPath: "/",
            headers: [("Authorization", "AWS \(Self.accessKey):qGdzdERIC03wnaRNKh6OqZehG9s=")])
        let noDate = try Self.verifyError(missing, now: Self.date(1_175_045_399), virtualHostBucket: nil)
        #expect(noDate?.code == .accessDenied)

        var invalid = missing
        invalid.headers.append(("x-amz-date", "yesterday"))
        invalid.headers.append(("Date", "Wed, 28 Mar 2007 01:29:59 +0000"))
        let badAmzDate = try Self.verifyError(invalid, now: Self.date(1_175_045_399), virtualHostBucket: nil)
        #expect(badAmzDate?.code == .accessDenied)
    }
}
