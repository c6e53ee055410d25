import Crypto
import Foundation
import KSANCore
import Testing

@testable import KSANS3

/// The credential of the S3 examples, for test arguments (evaluated outside the suite).
private let exampleScope = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
/// A well-formed but wrong signature.
private let anySignature = String(repeating: "a", count: 64)

/// Known-answer tests against the worked examples AWS publishes for S3
/// ("Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk" and
/// "Authenticating Requests: Using Query Parameters"), plus the failure cases.
@Suite struct SigV4Tests {
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let host = "examplebucket.s3.amazonaws.com"
    static let scope = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
    /// 2013-05-24T00:00:00Z, the time of every S3 example.
    static let exampleTime = Date(timeIntervalSince1970: 1_369_353_600)

    // MARK: Published requests

    static func getObjectRequest(signature: String = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        -> SigV4Request
    {
        SigV4Request(
            method: "GET", rawPath: "/test.txt", rawQuery: "",
            headers: [
                ("Host", host),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(scope),SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                        + "Signature=\(signature)"
                ),
                ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", SigV4.emptyPayloadHash),
                ("x-amz-date", "20130524T000000Z"),
            ])
    }

    static func putObjectRequest(rawPath: String) -> SigV4Request {
        let bodyHash = Hex.encode(SHA256.hash(data: Data("Welcome to Amazon S3.".utf8)))
        return SigV4Request(
            method: "PUT", rawPath: rawPath, rawQuery: "",
            headers: [
                ("Host", host),
                ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(scope),"
                        + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
                ),
                ("x-amz-date", "20130524T000000Z"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("x-amz-content-sha256", bodyHash),
            ])
    }

    static func bucketRequest(rawQuery: String, signature: String) -> SigV4Request {
        SigV4Request(
            method: "GET", rawPath: "/", rawQuery: rawQuery,
            headers: [
                ("Host", host),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(scope),SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                        + "Signature=\(signature)"
                ),
                ("x-amz-date", "20130524T000000Z"),
                ("x-amz-content-sha256", SigV4.emptyPayloadHash),
            ])
    }

    static let presignedQueryWithoutSignature =
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
        + "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"

    static func presignedRequest(
        query: String = presignedQueryWithoutSignature,
        signature: String = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    ) -> SigV4Request {
        SigV4Request(
            method: "GET", rawPath: "/test.txt", rawQuery: query + "&X-Amz-Signature=" + signature,
            headers: [("Host", host)])
    }

    /// A copy of `request` with every header passed through `edit`.
    static func editingHeaders(
        _ request: SigV4Request, _ edit: ((name: String, value: String)) -> (name: String, value: String)
    ) -> SigV4Request {
        var copy = request
        copy.headers = request.headers.map(edit)
        return copy
    }

    /// Parses a request that must carry SigV4 authorization.
    static func parsed(_ request: SigV4Request) throws -> SigV4Authorization {
        let auth = try SigV4.parse(request)
        return try #require(auth)
    }

    /// Runs `body` and checks that it throws an `S3Error` with `code`.
    static func expectS3Error(
        _ code: S3Error.Code, _ message: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as S3Error {
            #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
            if let message {
                #expect(error.message == message, sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Known answers

    @Test func signingKeyMatchesPublishedDerivation() {
        // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
        let key = SigV4.signingKey(
            secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215", region: "us-east-1",
            service: "iam")
        let hex = key.withUnsafeBytes { Hex.encode($0) }
        #expect(hex == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test func getObjectExample() throws {
        let request = Self.getObjectRequest()
        let auth = try Self.parsed(request)
        #expect(auth.accessKeyId == Self.accessKey)
        #expect(auth.date == "20130524")
        #expect(auth.region == "us-east-1")
        #expect(auth.service == "s3")
        #expect(auth.signedHeaders == ["host", "range", "x-amz-content-sha256", "x-amz-date"])
        #expect(auth.amzDate == "20130524T000000Z")
        #expect(auth.payloadHash == SigV4.emptyPayloadHash)
        #expect(!auth.isPresigned)
        #expect(auth.expiresSeconds == nil)

        let canonical = SigV4.canonicalRequest(request, auth: auth)
        #expect(
            canonical == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            SigV4.stringToSign(canonicalRequest: canonical, auth: auth) == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """)
        #expect(
            SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
                == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime, region: "us-east-1")
    }

    @Test(arguments: ["/test$file.text", "/test%24file.text"])
    func putObjectExample(rawPath: String) throws {
        let request = Self.putObjectRequest(rawPath: rawPath)
        let auth = try Self.parsed(request)
        #expect(auth.payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        #expect(auth.amzDate == "20130524T000000Z")
        #expect(auth.signedHeaders == ["date", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-storage-class"])
        let canonical = SigV4.canonicalRequest(request, auth: auth)
        #expect(canonical.hasPrefix("PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"))
        #expect(
            SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
                == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test func getBucketLifecycleExample() throws {
        let request = Self.bucketRequest(
            rawQuery: "lifecycle", signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        let auth = try Self.parsed(request)
        let canonical = SigV4.canonicalRequest(request, auth: auth)
        #expect(canonical.hasPrefix("GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\n"))
        #expect(
            SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
                == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test(arguments: ["max-keys=2&prefix=J", "prefix=J&max-keys=2"])
    func listObjectsExample(rawQuery: String) throws {
        let request = Self.bucketRequest(
            rawQuery: rawQuery, signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
        let auth = try Self.parsed(request)
        let canonical = SigV4.canonicalRequest(request, auth: auth)
        #expect(canonical.hasPrefix("GET\n/\nmax-keys=2&prefix=J\n"))
        #expect(
            SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
                == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test func presignedURLExample() throws {
        let request = Self.presignedRequest()
        let auth = try Self.parsed(request)
        #expect(auth.isPresigned)
        #expect(auth.accessKeyId == Self.accessKey)
        #expect(auth.expiresSeconds == 86_400)
        #expect(auth.signedHeaders == ["host"])
        #expect(auth.payloadHash == SigV4.unsignedPayload)
        #expect(auth.amzDate == "20130524T000000Z")

        let canonical = SigV4.canonicalRequest(request, auth: auth)
        #expect(
            canonical == """
                GET
                /test.txt
                X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3\
                %2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host
                host:examplebucket.s3.amazonaws.com

                host
                UNSIGNED-PAYLOAD
                """)
        #expect(
            SigV4.stringToSign(canonicalRequest: canonical, auth: auth) == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04
                """)
        #expect(
            SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
                == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        try SigV4.verify(
            request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(3_600))
        // Valid through the last second of its window.
        try SigV4.verify(
            request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(86_400))
    }

    @Test func signerPresignsThePublishedExample() throws {
        let signer = SigV4Signer(accessKeyId: Self.accessKey, secretKey: Self.secretKey, region: "us-east-1")
        let query = signer.presign(
            method: "GET", rawPath: "/test.txt", host: "examplebucket.s3.amazonaws.com", expires: 86_400,
            date: Self.exampleTime)
        #expect(
            query == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1"
                + "%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        // With a query of its own, the result still verifies.
        let withQuery = signer.presign(
            method: "GET", rawPath: "/test.txt", rawQuery: "versionId=1", host: "examplebucket.s3.amazonaws.com",
            expires: 60, date: Self.exampleTime)
        let request = SigV4Request(
            method: "GET", rawPath: "/test.txt", rawQuery: withQuery,
            headers: [("host", "examplebucket.s3.amazonaws.com")])
        let auth = try Self.parsed(request)
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test func hostFromAuthorityIsAccepted() throws {
        let request = Self.editingHeaders(Self.getObjectRequest()) { $0.name == "Host" ? (":authority", $0.value) : $0 }
        let auth = try Self.parsed(request)
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let request = Self.editingHeaders(Self.getObjectRequest()) { ($0.name.uppercased(), $0.value) }
        let auth = try Self.parsed(request)
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
    }

    @Test func dateHeaderIsConvertedWhenNoAmzDate() throws {
        let request = SigV4Request(
            method: "GET", rawPath: "/test.txt",
            headers: [
                ("Host", Self.host),
                ("Date", "Fri, 24 May 2013 13:05:09 GMT"),
                ("x-amz-content-sha256", SigV4.unsignedPayload),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=\(Self.scope), SignedHeaders=date;host;x-amz-content-sha256, "
                        + "Signature=\(String(repeating: "0", count: 64))"
                ),
            ])
        let auth = try Self.parsed(request)
        #expect(auth.amzDate == "20130524T130509Z")
        #expect(auth.payloadHash == SigV4.unsignedPayload)
        // A correctly signed request in this form verifies.
        var signed = auth
        signed.signature = SigV4.expectedSignature(request, auth: auth, secretKey: Self.secretKey)
        try SigV4.verify(
            request, auth: signed, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(47_109))
    }

    @Test func streamingPayloadIsAccepted() throws {
        let request = Self.editingHeaders(Self.getObjectRequest()) {
            $0.name == "x-amz-content-sha256" ? ($0.name, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") : $0
        }
        let auth = try Self.parsed(request)
        #expect(auth.isStreaming)
        #expect(SigV4.canonicalRequest(request, auth: auth).hasSuffix("\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
    }

    // MARK: Canonicalization

    @Test func canonicalURIRules() {
        #expect(SigV4Encoding.canonicalURI("") == "/")
        #expect(SigV4Encoding.canonicalURI("/") == "/")
        #expect(SigV4Encoding.canonicalURI("/bucket/my key") == "/bucket/my%20key")
        #expect(SigV4Encoding.canonicalURI("/bucket/my%20key") == "/bucket/my%20key")
        #expect(SigV4Encoding.canonicalURI("/bucket/a+b") == "/bucket/a%2Bb")
        #expect(SigV4Encoding.canonicalURI("/bucket/a%2fb") == "/bucket/a%2Fb")
        #expect(SigV4Encoding.canonicalURI("/bucket/caf%c3%a9") == "/bucket/caf%C3%A9")
        #expect(SigV4Encoding.canonicalURI("/bucket/café") == "/bucket/caf%C3%A9")
        #expect(SigV4Encoding.canonicalURI("/bucket/-._~*!") == "/bucket/-._~%2A%21")
        #expect(SigV4Encoding.canonicalURI("/bucket/100%") == "/bucket/100%25")
        // No normalization of dot segments or repeated slashes.
        #expect(SigV4Encoding.canonicalURI("/bucket//a/../b/./c/") == "/bucket//a/../b/./c/")
    }

    @Test func canonicalQueryRules() {
        #expect(SigV4Encoding.canonicalQuery("") == "")
        #expect(SigV4Encoding.canonicalQuery("acl") == "acl=")
        #expect(SigV4Encoding.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4Encoding.canonicalQuery("prefix=photos/2006/") == "prefix=photos%2F2006%2F")
        #expect(SigV4Encoding.canonicalQuery("prefix=photos%2f2006") == "prefix=photos%2F2006")
        #expect(SigV4Encoding.canonicalQuery("k=a%20b&j=a+b") == "j=a%20b&k=a%20b")
        #expect(SigV4Encoding.canonicalQuery("k=%2B&&x=~") == "k=%2B&x=~")
        #expect(SigV4Encoding.canonicalQuery("uploadId=x&partNumber=1") == "partNumber=1&uploadId=x")
        #expect(SigV4Encoding.canonicalQuery("a=1&X-Amz-Signature=abc", excluding: "X-Amz-Signature") == "a=1")
    }

    @Test func canonicalHeaderValues() throws {
        #expect(SigV4.canonicalHeaderValue("  a   b \t c  ") == "a b c")
        let request = SigV4Request(
            method: "GET", rawPath: "/",
            headers: [("Host", Self.host), ("My-Header", " v1  x "), ("my-header", "v2")])
        let auth = SigV4Authorization(
            accessKeyId: Self.accessKey, date: "20130524", region: "us-east-1", service: "s3",
            signedHeaders: ["host", "my-header"], signature: "", amzDate: "20130524T000000Z",
            payloadHash: SigV4.emptyPayloadHash, isPresigned: false)
        #expect(
            SigV4.canonicalRequest(request, auth: auth)
                == "GET\n/\n\nhost:examplebucket.s3.amazonaws.com\nmy-header:v1 x,v2\n\nhost;my-header\n"
                + SigV4.emptyPayloadHash)
    }

    @Test func dateConversions() {
        #expect(SigV4Time.amzDate(fromHTTPDate: "Fri, 24 May 2013 00:00:00 GMT") == "20130524T000000Z")
        #expect(SigV4Time.amzDate(fromHTTPDate: "Tue, 29 Feb 2028 23:59:59 GMT") == "20280229T235959Z")
        #expect(SigV4Time.amzDate(fromHTTPDate: "Fri, 30 Feb 2013 00:00:00 GMT") == nil)
        #expect(SigV4Time.amzDate(fromHTTPDate: "2013-05-24T00:00:00Z") == nil)
        #expect(SigV4Time.parseAMZDate("20130524T000000Z") == Self.exampleTime)
        #expect(SigV4Time.parseAMZDate("20130524T240000Z") == nil)
        #expect(SigV4Time.parseAMZDate("20130524T000000") == nil)
        #expect(SigV4Time.formatAMZDate(Self.exampleTime.addingTimeInterval(86_399)) == "20130524T235959Z")
    }

    @Test func constantTimeComparison() {
        #expect(SigV4.constantTimeEqual("abc", "abc"))
        #expect(!SigV4.constantTimeEqual("abc", "abd"))
        #expect(!SigV4.constantTimeEqual("abc", "ab"))
        #expect(!SigV4.constantTimeEqual("", "a"))
    }

    // MARK: Failures

    @Test func wrongSecretDoesNotMatch() throws {
        let request = Self.getObjectRequest()
        let auth = try Self.parsed(request)
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(
                request, auth: auth, secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ", now: Self.exampleTime)
        }
    }

    @Test func tamperedRequestDoesNotMatch() throws {
        let original = Self.getObjectRequest()
        let auth = try Self.parsed(original)

        let range = Self.editingHeaders(original) { $0.name == "Range" ? ($0.name, "bytes=0-10") : $0 }
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(range, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
        }

        var path = original
        path.rawPath = "/test.txt2"
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(path, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
        }

        var query = original
        query.rawQuery = "versionId=1"
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(query, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
        }

        var method = original
        method.method = "DELETE"
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(method, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime)
        }

        var signature = auth
        signature.signature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb40"
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(original, auth: signature, secretKey: Self.secretKey, now: Self.exampleTime)
        }

        let presigned = Self.presignedRequest()
        var presignedPath = presigned
        presignedPath.rawPath = "/other.txt"
        let presignedAuth = try Self.parsed(presigned)
        Self.expectS3Error(.signatureDoesNotMatch) {
            try SigV4.verify(presignedPath, auth: presignedAuth, secretKey: Self.secretKey, now: Self.exampleTime)
        }
    }

    @Test func skewedClockIsRejected() throws {
        let request = Self.getObjectRequest()
        let auth = try Self.parsed(request)
        // Exactly 15 minutes either way is still accepted.
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(900))
        try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(-900))
        for offset in [901.0, -901.0, 86_400.0] {
            Self.expectS3Error(.requestTimeTooSkewed) {
                try SigV4.verify(
                    request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(offset))
            }
        }
    }

    @Test func presignedOutsideItsWindowIsRejected() throws {
        let request = Self.presignedRequest()
        let auth = try Self.parsed(request)
        Self.expectS3Error(.accessDenied, "Request has expired") {
            try SigV4.verify(
                request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(86_401))
        }
        Self.expectS3Error(.accessDenied, "Request is not valid yet") {
            try SigV4.verify(
                request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime.addingTimeInterval(-901))
        }
        var tooLong = auth
        tooLong.expiresSeconds = 604_801
        Self.expectS3Error(SigV4.authorizationQueryParametersError) {
            try SigV4.verify(request, auth: tooLong, secretKey: Self.secretKey, now: Self.exampleTime)
        }
    }

    @Test func wrongRegionIsRejected() throws {
        let request = Self.getObjectRequest()
        let auth = try Self.parsed(request)
        Self.expectS3Error(
            .authorizationHeaderMalformed,
            "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'"
        ) {
            try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime, region: "eu-west-1")
        }
        // The region to sign for, in the body and a header, so that clients can retry there (as S3 answers).
        do {
            try SigV4.verify(request, auth: auth, secretKey: Self.secretKey, now: Self.exampleTime, region: "eu-west-1")
        } catch {
            #expect(error.details == [S3Error.Detail("Region", "eu-west-1")])
            #expect(error.headers == [S3Error.Detail("x-amz-bucket-region", "eu-west-1")])
        }
    }

    @Test(arguments: [
        // Missing Credential, SignedHeaders or Signature.
        "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 garbage",
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), SignedHeaders=host, Signature=\(anySignature),",
        // Scope not in five parts, or not ending in aws4_request.
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request/x, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws5_request, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2013-05-24/us-east-1/s3/aws4_request, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/iam/aws4_request, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        // Scope date other than the request date.
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130525/us-east-1/s3/aws4_request, SignedHeaders=host, "
            + "Signature=\(anySignature)",
        // host not signed, empty header name, signature not hex.
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), SignedHeaders=range;x-amz-date, Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), SignedHeaders=host;;x-amz-date, Signature=\(anySignature)",
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), SignedHeaders=host, Signature=xyz",
        // Unknown or repeated component.
        "AWS4-HMAC-SHA256 Credential=\(exampleScope), Credential=\(exampleScope), SignedHeaders=host, "
            + "Signature=\(anySignature)",
    ])
    func malformedAuthorizationHeader(header: String) {
        let request = SigV4Request(
            method: "GET", rawPath: "/test.txt",
            headers: [
                ("Host", Self.host), ("x-amz-date", "20130524T000000Z"),
                ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("Authorization", header),
            ])
        Self.expectS3Error(.authorizationHeaderMalformed) {
            _ = try SigV4.parse(request)
        }
    }

    @Test(arguments: [
        "X-Amz-Expires=0", "X-Amz-Expires=604801", "X-Amz-Expires=-1", "X-Amz-Expires=abc",
        "X-Amz-Algorithm=AWS4-HMAC-SHA1", "X-Amz-Date=2013-05-24", "X-Amz-SignedHeaders=range",
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3",
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Fother",
    ])
    func malformedPresignedParameters(replacement: String) throws {
        let name = String(replacement.prefix(while: { $0 != "=" }))
        let query = Self.presignedQueryWithoutSignature.split(separator: "&")
            .map { $0.hasPrefix(name + "=") ? replacement : String($0) }
            .joined(separator: "&")
        #expect(query != Self.presignedQueryWithoutSignature)
        Self.expectS3Error(SigV4.authorizationQueryParametersError) {
            _ = try SigV4.parse(Self.presignedRequest(query: query))
        }
    }

    @Test func presignedWithoutSignatureIsRejected() {
        let request = SigV4Request(
            method: "GET", rawPath: "/test.txt", rawQuery: Self.presignedQueryWithoutSignature,
            headers: [("Host", Self.host)])
        Self.expectS3Error(SigV4.authorizationQueryParametersError) {
            _ = try SigV4.parse(request)
        }
    }

    @Test func missingDateOrPayloadHash() {
        let authorization = (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(Self.scope), SignedHeaders=host, "
                + "Signature=\(String(repeating: "a", count: 64))"
        )
        Self.expectS3Error(.accessDenied) {
            _ = try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/",
                    headers: [("Host", Self.host), ("x-amz-content-sha256", SigV4.emptyPayloadHash), authorization]))
        }
        Self.expectS3Error(.accessDenied) {
            _ = try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/",
                    headers: [
                        ("Host", Self.host), ("x-amz-date", "2013-05-24"),
                        ("x-amz-content-sha256", SigV4.emptyPayloadHash), authorization,
                    ]))
        }
        Self.expectS3Error(.invalidRequest) {
            _ = try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/",
                    headers: [("Host", Self.host), ("x-amz-date", "20130524T000000Z"), authorization]))
        }
        Self.expectS3Error(.invalidArgument) {
            _ = try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/",
                    headers: [
                        ("Host", Self.host), ("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", "abc"),
                        authorization,
                    ]))
        }
    }

    @Test func otherSchemesAndConflicts() throws {
        // Anonymous.
        #expect(try SigV4.parse(SigV4Request(method: "GET", rawPath: "/b/k", headers: [("Host", Self.host)])) == nil)
        #expect(
            try SigV4.parse(
                SigV4Request(method: "GET", rawPath: "/b", rawQuery: "list-type=2&prefix=a", headers: [])) == nil)
        // Signature Version 2, header and query.
        #expect(
            try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/b/k",
                    headers: [("Host", Self.host), ("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo=")]))
                == nil)
        #expect(
            try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/b/k",
                    rawQuery: "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=vjbyPxybd",
                    headers: [("Host", Self.host)])) == nil)
        // SigV4a is not supported.
        Self.expectS3Error(.invalidArgument) {
            _ = try SigV4.parse(
                SigV4Request(
                    method: "GET", rawPath: "/b/k",
                    headers: [
                        ("Host", Self.host),
                        ("Authorization", "AWS4-ECDSA-P256-SHA256 Credential=AK/20130524/s3/aws4_request, ..."),
                    ]))
        }
        // Header and query authentication at once.
        var both = Self.presignedRequest()
        both.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(Self.scope)"))
        Self.expectS3Error(.invalidArgument) {
            _ = try SigV4.parse(both)
        }
        // Two Authorization headers.
        var twice = Self.getObjectRequest()
        twice.headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(Self.scope)"))
        Self.expectS3Error(.authorizationHeaderMalformed) {
            _ = try SigV4.parse(twice)
        }
    }
}
