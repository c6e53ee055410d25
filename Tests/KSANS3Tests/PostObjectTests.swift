import Foundation
import NIOCore
import Testing

@testable import KSANS3

/// A POST body delivered in the given pieces.
typealias PostFormTestBody = PiecewiseBody

extension PiecewiseBody {
    /// The body whole, in 1-byte pieces, and in pseudo-random pieces of 1 to 40 bytes.
    static func splits(of body: [UInt8], seed: UInt64 = 42) -> [PostFormTestBody] {
        var state = seed
        var random: [[UInt8]] = []
        var offset = 0
        while offset < body.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Swift.min(body.count - offset, Int(state >> 33) % 40 + 1)
            random.append(Array(body[offset..<offset + length]))
            offset += length
        }
        return [
            PostFormTestBody(pieces: [body]),
            PostFormTestBody(pieces: body.map { [$0] }),
            PostFormTestBody(pieces: random),
        ]
    }
}

/// POST Object (browser-based upload): the multipart parser, the policy and the form signature.
@Suite struct PostObjectTests {
    static let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    static let contentType = "multipart/form-data; boundary=\(boundary)"
    static let accessKey = "AKIAIOSFODNN7EXAMPLE"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// File content that contains almost-delimiters, a bare `--boundary` and CRLFs, ending in CRLF.
    static let fileContent: [UInt8] =
        Array("line one\r\n--\(boundary.dropLast())x\n--\(boundary)\r\n-".utf8) + [0, 255, 13] + Array("\r\n".utf8)

    /// A form as a browser sends it: a preamble, fields, the file, then a field S3 ignores.
    static func formBody(file: [UInt8] = fileContent) -> [UInt8] {
        var text = "preamble to ignore\r\n"
        func field(_ name: String, _ value: String) {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        field("key", "user/user1/${filename}")
        field("X-Amz-Meta-Tag", "")
        field("Policy", "multi\r\nline -- value")
        text += "--\(boundary)  \r\ncontent-disposition: form-data; name=\"success_action_status\"\r\n\r\n201\r\n"
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"my \\\"photo\\\"; 1.jpg\""
        text += "\r\nContent-Type: image/jpeg\r\n\r\n"
        var body = Array(text.utf8) + file
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"submit\"\r\n\r\nUpload\r\n".utf8)
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }

    static func collect(_ bytes: MultipartFileBytes<PostFormTestBody>) async throws -> [UInt8] {
        var result: [UInt8] = []
        for try await chunk in bytes {
            result += chunk.readableBytesView
        }
        return result
    }

    static func parse(
        _ body: [UInt8], contentType: String = contentType, maxFieldBytes: Int = 64 * 1024, maxFields: Int = 100
    ) async throws -> (fields: [String: String], fileName: String?, fileContentType: String?, file: [UInt8]) {
        var parser = try MultipartFormParser(
            contentType: contentType, body: PostFormTestBody(pieces: [body]), maxFieldBytes: maxFieldBytes,
            maxFields: maxFields)
        let (fields, fileName, fileContentType) = try await parser.readFields()
        return (fields, fileName, fileContentType, try await collect(parser.fileBytes()))
    }

    static func expectMalformed(_ body: () async throws -> Void) async {
        await #expect {
            try await body()
        } throws: { error in
            (error as? S3Error)?.code.name == "MalformedPOSTRequest"
        }
    }

    // MARK: Multipart

    @Test(arguments: PostFormTestBody.splits(of: formBody()))
    func parsesFieldsAndFileInAnyPieces(body: PostFormTestBody) async throws {
        var parser = try MultipartFormParser(contentType: Self.contentType, body: body)
        let (fields, fileName, fileContentType) = try await parser.readFields()
        #expect(
            fields == [
                "key": "user/user1/${filename}", "x-amz-meta-tag": "", "policy": "multi\r\nline -- value",
                "success_action_status": "201",
            ])
        #expect(fileName == "my \"photo\"; 1.jpg")
        #expect(fileContentType == "image/jpeg")
        let file = try await Self.collect(parser.fileBytes())
        #expect(file == Self.fileContent)
    }

    @Test func holdsBackNoMoreThanTheDelimiter() async throws {
        let file = [UInt8](repeating: 0x61, count: 10_000)
        let body = Self.formBody(file: file)
        var parser = try MultipartFormParser(
            contentType: Self.contentType, body: PostFormTestBody(pieces: body.map { [$0] }))
        _ = try await parser.readFields()
        var received = 0
        var largest = 0
        for try await chunk in parser.fileBytes() {
            received += chunk.readableBytes
            largest = max(largest, chunk.readableBytes)
        }
        #expect(received == file.count)
        #expect(largest < 50)
    }

    @Test func emptyFileAndQuotedBoundaryAtBodyStart() async throws {
        let body = Array(
            ("--b\r\nContent-Disposition: form-data; name=\"Key\"\r\n\r\nk\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"FILE\"\r\n\r\n\r\n--b--").utf8)
        let parsed = try await Self.parse(body, contentType: "Multipart/Form-Data; charset=utf-8; Boundary=\"b\"")
        #expect(parsed.fields == ["key": "k"])
        #expect(parsed.fileName == nil)
        #expect(parsed.fileContentType == nil)
        #expect(parsed.file.isEmpty)
    }

    @Test(arguments: [
        "multipart/form-data", "multipart/mixed; boundary=x", "text/plain", "multipart/form-data; boundary=",
    ])
    func refusesContentTypeWithoutBoundary(contentType: String) async {
        await Self.expectMalformed {
            _ = try MultipartFormParser(contentType: contentType, body: PostFormTestBody(pieces: []))
        }
    }

    @Test func refusesFormWithoutFile() async {
        let body = Array(
            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--\(Self.boundary)--\r\n"
                .utf8)
        await Self.expectMalformed { _ = try await Self.parse(body) }
        await Self.expectMalformed { _ = try await Self.parse([]) }
    }

    @Test func refusesOversizedAndTooManyFields() async throws {
        let body = Self.formBody()
        _ = try await Self.parse(body, maxFieldBytes: 22, maxFields: 4)
        await Self.expectMalformed { _ = try await Self.parse(body, maxFieldBytes: 21) }
        await Self.expectMalformed { _ = try await Self.parse(body, maxFields: 3) }
    }

    @Test func refusesTruncatedFile() async {
        let body = Self.formBody()
        let cut = Array(body.prefix(body.count - 120))
        await Self.expectMalformed { _ = try await Self.parse(cut) }
    }

    @Test func refusesBadFraming() async {
        let boundary = Self.boundary
        let cases = [
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--\(boundary)X",
            "--\(boundary)\r\nno colon here\r\n\r\nk\r\n--\(boundary)--",
            "--\(boundary)\r\nContent-Type: text/plain\r\n\r\nk\r\n--\(boundary)--",
            "--\(boundary)\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nk\r\n--\(boundary)--",
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--\(boundary)\r\n"
                + "Content-Disposition: form-data; name=\"A\"\r\n\r\n2\r\n--\(boundary)--",
        ]
        for text in cases {
            await Self.expectMalformed { _ = try await Self.parse(Array(text.utf8)) }
        }
        await Self.expectMalformed {
            var parser = try MultipartFormParser(contentType: Self.contentType, body: PostFormTestBody(pieces: []))
            _ = try await Self.collect(parser.fileBytes())
            _ = try await parser.readFields()
        }
    }

    // MARK: Policy

    /// The policy of "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)", with CRLF line
    /// ends, and its published signature.
    static let awsPolicy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tl"
        + "dCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAg"
        + "ICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhh"
        + "bXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwg"
        + "IiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAg"
        + "ICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXot"
        + "bWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkv"
        + "dXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwN"
        + "CiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
    static let awsSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"

    /// The fields of AWS's example form, as the parser returns them.
    static let awsFields: [String: String] = [
        "key": "user/user1/MyPhoto.jpg", "acl": "public-read",
        "success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
        "content-type": "image/jpeg", "x-amz-meta-uuid": "14365123651274", "x-amz-server-side-encryption": "AES256",
        "x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
        "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20151229T000000Z", "x-amz-meta-tag": "",
        "policy": awsPolicy, "x-amz-signature": awsSignature,
    ]
    static let dec29 = Date(timeIntervalSince1970: 1_451_347_200)  // 2015-12-29T00:00:00Z

    static func policy(expiration: String = "2026-12-01T12:00:00.000Z", _ conditions: [Any]) -> String {
        let object: [String: Any] = ["expiration": expiration, "conditions": conditions]
        return try! JSONSerialization.data(withJSONObject: object).base64EncodedString()
    }

    static func expectDenied(_ message: String, _ body: () throws -> Void) {
        #expect(throws: S3Error(.accessDenied, message)) { try body() }
    }

    @Test func awsExamplePolicyHolds() throws {
        let range = try PostPolicy.check(
            policyBase64: Self.awsPolicy, fields: Self.awsFields, bucket: "sigv4examplebucket", now: Self.dec29)
        #expect(range == nil)
        // The policy's text is signed as sent, so its CRLF line ends are part of the example.
        let json = String(decoding: Data(base64Encoded: Self.awsPolicy)!, as: UTF8.self)
        #expect(json.hasPrefix("{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n"))
    }

    @Test func awsExamplePolicyFailures() {
        let fields = Self.awsFields
        Self.expectDenied("Invalid according to Policy: Policy expired.") {
            _ = try PostPolicy.check(
                policyBase64: Self.awsPolicy, fields: fields, bucket: "sigv4examplebucket",
                now: Self.dec29.addingTimeInterval(36 * 3600))
        }
        Self.expectDenied(
            "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$bucket\", \"sigv4examplebucket\"]"
        ) {
            _ = try PostPolicy.check(policyBase64: Self.awsPolicy, fields: fields, bucket: "other", now: Self.dec29)
        }
        var wrongKey = fields
        wrongKey["key"] = "user/user2/x"
        Self.expectDenied(
            "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"user/user1/\"]"
        ) {
            _ = try PostPolicy.check(
                policyBase64: Self.awsPolicy, fields: wrongKey, bucket: "sigv4examplebucket", now: Self.dec29)
        }
        var extra = fields
        extra["x-amz-meta-other"] = "1"
        extra["x-ignore-this"] = "ok"
        Self.expectDenied("Invalid according to Policy: Extra input fields: x-amz-meta-other") {
            _ = try PostPolicy.check(
                policyBase64: Self.awsPolicy, fields: extra, bucket: "sigv4examplebucket", now: Self.dec29)
        }
    }

    @Test func conditionsAndContentLengthRange() throws {
        let policy = Self.policy([
            ["bucket": "b"], ["starts-with", "$key", "user/"], ["eq", "$Content-Type", "image/jpeg"],
            ["content-length-range", 1, 10_485_760], ["starts-with", "$x-amz-meta-note", ""],
        ])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let fields = ["key": "user/a.jpg", "content-type": "image/jpeg", "x-amz-meta-note": "anything"]
        let range = try PostPolicy.check(policyBase64: policy, fields: fields, bucket: "b", now: now)
        #expect(range == 1...10_485_760)

        var wrongType = fields
        wrongType["content-type"] = "image/png"
        Self.expectDenied(
            "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$content-type\", \"image/jpeg\"]"
        ) {
            _ = try PostPolicy.check(policyBase64: policy, fields: wrongType, bucket: "b", now: now)
        }
        var missingKey = fields
        missingKey["key"] = nil
        #expect(throws: S3Error.self) {
            _ = try PostPolicy.check(policyBase64: policy, fields: missingKey, bucket: "b", now: now)
        }
    }

    @Test func contentTypeStartsWithCoversEveryListedType() throws {
        let policy = Self.policy([["starts-with", "$Content-Type", "image/"]])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        _ = try PostPolicy.check(
            policyBase64: policy, fields: ["content-type": "image/jpeg, image/png"], bucket: "b", now: now)
        #expect(throws: S3Error.self) {
            _ = try PostPolicy.check(
                policyBase64: policy, fields: ["content-type": "image/jpeg, text/html"], bucket: "b", now: now)
        }
    }

    @Test(arguments: [
        "not base64!", Data("not json".utf8).base64EncodedString(),
        Data("{\"conditions\": []}".utf8).base64EncodedString(),
        Data("{\"expiration\": \"tomorrow\", \"conditions\": []}".utf8).base64EncodedString(),
        Data("{\"expiration\": \"2026-12-01T12:00:00Z\"}".utf8).base64EncodedString(),
        PostObjectTests.policy([["content-length-range", 10, 1]]), PostObjectTests.policy([["eq", "key", "x"]]),
        PostObjectTests.policy([["matches", "$key", "x"]]), PostObjectTests.policy([["eq", "$key"]]),
        PostObjectTests.policy([["acl": 1]]),
    ])
    func refusesInvalidPolicies(policy: String) {
        #expect {
            _ = try PostPolicy.check(
                policyBase64: policy, fields: [:], bucket: "b", now: Date(timeIntervalSince1970: 0))
        } throws: { error in
            (error as? S3Error)?.code.name == "InvalidPolicyDocument"
        }
    }

    // MARK: Signature

    @Test func awsExampleSignatureV4() throws {
        #expect(try PostSignature.accessKeyId(fields: Self.awsFields) == Self.accessKey)
        #expect(try PostSignature.region(fields: Self.awsFields) == "us-east-1")
        try PostSignature.verify(fields: Self.awsFields, secretKey: Self.secretKey, region: "us-east-1")
        #expect(throws: S3Error(.signatureDoesNotMatch)) {
            try PostSignature.verify(fields: Self.awsFields, secretKey: "wrong")
        }
        var tampered = Self.awsFields
        tampered["policy"] = Self.policy([["bucket": "sigv4examplebucket"]])
        #expect(throws: S3Error(.signatureDoesNotMatch)) {
            try PostSignature.verify(fields: tampered, secretKey: Self.secretKey)
        }
        #expect(throws: S3Error.self) {
            try PostSignature.verify(fields: Self.awsFields, secretKey: Self.secretKey, region: "eu-west-1")
        }
    }

    @Test func signatureV2RoundTrip() throws {
        let policy = Self.policy([["bucket": "b"]])
        var fields = [
            "awsaccesskeyid": Self.accessKey, "policy": policy,
            "signature": SigV2.signature(stringToSign: policy, secretKey: Self.secretKey),
        ]
        #expect(try PostSignature.accessKeyId(fields: fields) == Self.accessKey)
        #expect(try PostSignature.region(fields: fields) == nil)
        try PostSignature.verify(fields: fields, secretKey: Self.secretKey)
        #expect(throws: S3Error(.signatureDoesNotMatch)) {
            try PostSignature.verify(fields: fields, secretKey: "other")
        }
        fields["x-amz-signature"] = Self.awsSignature
        #expect(throws: S3Error.self) { _ = try PostSignature.accessKeyId(fields: fields) }
    }

    @Test func anonymousAndIncompleteForms() throws {
        #expect(try PostSignature.accessKeyId(fields: ["key": "k", "policy": "p"]) == nil)
        #expect(throws: S3Error(.accessDenied)) { try PostSignature.verify(fields: ["key": "k"], secretKey: "s") }
        for missing in ["x-amz-credential", "x-amz-date", "policy"] {
            var fields = Self.awsFields
            fields[missing] = nil
            #expect(throws: S3Error.self) { _ = try PostSignature.accessKeyId(fields: fields) }
        }
        var badScope = Self.awsFields
        badScope["x-amz-credential"] = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/ec2/aws4_request"
        #expect(throws: S3Error.self) { _ = try PostSignature.accessKeyId(fields: badScope) }
        var noSecret = ["awsaccesskeyid": Self.accessKey, "policy": "p"]
        #expect(throws: S3Error.self) { _ = try PostSignature.accessKeyId(fields: noSecret) }
        noSecret["signature"] = "x"
        #expect(try PostSignature.accessKeyId(fields: noSecret) == Self.accessKey)
    }

    /// The pieces together: a V4-signed form parsed from a streamed body, its policy checked and signature verified.
    @Test func endToEndForm() async throws {
        let policy = Self.policy([
            ["bucket": "photos"], ["starts-with", "$key", "user/"], ["content-length-range", 1, 100],
            ["x-amz-algorithm": "AWS4-HMAC-SHA256"],
            ["x-amz-credential": "\(Self.accessKey)/20260101/us-east-1/s3/aws4_request"],
            ["x-amz-date": "20260101T000000Z"],
        ])
        let key = SigV4.signingKey(secretKey: Self.secretKey, date: "20260101", region: "us-east-1", service: "s3")
        let form: [(String, String)] = [
            ("key", "user/${filename}"), ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(Self.accessKey)/20260101/us-east-1/s3/aws4_request"),
            ("X-Amz-Date", "20260101T000000Z"), ("Policy", policy),
            ("X-Amz-Signature", SigV4.signature(stringToSign: policy, signingKey: key)),
        ]
        var text = ""
        for (name, value) in form {
            text += "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
        text += "hello\r\n--\(Self.boundary)--\r\n"
        for body in PostFormTestBody.splits(of: Array(text.utf8), seed: 7) {
            var parser = try MultipartFormParser(contentType: Self.contentType, body: body)
            let (fields, fileName, _) = try await parser.readFields()
            #expect(fileName == "a.txt")
            #expect(try PostSignature.accessKeyId(fields: fields) == Self.accessKey)
            try PostSignature.verify(fields: fields, secretKey: Self.secretKey)
            let range = try PostPolicy.check(
                policyBase64: fields["policy"]!, fields: fields, bucket: "photos",
                now: Date(timeIntervalSince1970: 1_767_225_600))
            #expect(range == 1...100)
            #expect(try await Self.collect(parser.fileBytes()) == Array("hello".utf8))
        }
    }
}
