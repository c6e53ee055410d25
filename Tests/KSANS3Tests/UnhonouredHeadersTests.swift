import HTTPTypes
import Testing

@testable import KSANS3

@Suite("Headers not honoured yet are refused, never ignored")
struct UnhonouredHeadersTests {
    func check(
        _ method: HTTPRequest.Method, _ path: String, _ headers: [(String, String)], query: String? = nil
    ) throws -> S3Error? {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let request = try S3Request(
            method: method, authority: "127.0.0.1", path: path, query: query, headers: fields, domains: [])
        let operation = try S3Operation.resolve(request)
        do {
            try UnhonouredHeaders.check(request, operation: operation)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "object writes",
        arguments: [
            ("x-amz-server-side-encryption", "AES256", "NotImplemented"),
            ("x-amz-server-side-encryption", "aws:kms", "NotImplemented"),
            ("x-amz-server-side-encryption-customer-algorithm", "AES256", "NotImplemented"),
            ("x-amz-acl", "public-read", "NotImplemented"),
            ("x-amz-acl", "authenticated-read", "NotImplemented"),
            ("x-amz-acl", "world-writable", "InvalidArgument"),
            ("x-amz-grant-read", "id=someone", "NotImplemented"),
            ("x-amz-storage-class", "FAST", "InvalidStorageClass"),
            ("x-amz-storage-class", "standard", "InvalidStorageClass"),
            ("x-amz-website-redirect-location", "/other", "NotImplemented"),
            ("x-amz-security-token", "token", "InvalidToken"),
        ])
    func refusedOnWrites(name: String, value: String, code: String) throws {
        for (method, path, headers) in [
            (HTTPRequest.Method.put, "/b/k", [(name, value)]),
            (.put, "/b/k", [(name, value), ("x-amz-copy-source", "/b/other")]),
        ] {
            let error = try check(method, path, headers)
            #expect(error?.code.name == code, "\(method) \(name): \(value)")
        }
        #expect(try check(.post, "/b/k", [(name, value)], query: "uploads")?.code.name == code)
    }

    @Test("what is true today is accepted")
    func honoured() throws {
        for headers in [
            [("x-amz-acl", "private")], [("x-amz-acl", "bucket-owner-full-control")],
            [("x-amz-storage-class", "STANDARD")], [("x-amz-storage-class", "GLACIER")],
            [("x-amz-storage-class", "REDUCED_REDUNDANCY")], [("x-amz-tagging", "")],
            [("x-amz-request-payer", "requester")],
            [("x-amz-security-token", "")],
        ] {
            #expect(try check(.put, "/b/k", headers) == nil, "\(headers)")
        }
        #expect(try check(.put, "/b/k", [("x-amz-copy-source", "/b/o"), ("x-amz-tagging-directive", "COPY")]) == nil)
        #expect(
            try check(.put, "/b/k", [("x-amz-copy-source", "/b/o"), ("x-amz-tagging-directive", "MERGE")])?.code
                == .invalidArgument)
        // Storage class and tags mean nothing to a read: S3 ignores them there too.
        #expect(try check(.get, "/b/k", [("x-amz-storage-class", "GLACIER")]) == nil)
    }

    @Test("encryption is refused on every operation, reads included")
    func encryptionEverywhere() throws {
        #expect(try check(.get, "/b/k", [("x-amz-server-side-encryption-customer-key", "a")])?.code == .notImplemented)
        #expect(
            try check(
                .put, "/b/k", [("x-amz-server-side-encryption-customer-key", "a")], query: "partNumber=1&uploadId=u")?
                .code == .notImplemented)
        #expect(try check(.delete, "/b/k", [("x-amz-mfa", "serial 123456")])?.code == .notImplemented)
    }

    @Test("bucket creation")
    func createBucket() throws {
        #expect(try check(.put, "/b", [("x-amz-acl", "private")]) == nil)
        #expect(try check(.put, "/b", [("x-amz-acl", "public-read")])?.code == .notImplemented)
        #expect(try check(.put, "/b", [("x-amz-bucket-object-lock-enabled", "true")]) == nil)
        #expect(try check(.put, "/b", [("x-amz-bucket-object-lock-enabled", "yes")])?.code == .invalidArgument)
        #expect(try check(.put, "/b", [("x-amz-bucket-object-lock-enabled", "false")]) == nil)
        #expect(try check(.put, "/b", [("x-amz-object-ownership", "BucketOwnerEnforced")]) == nil)
        #expect(try check(.put, "/b", [("x-amz-object-ownership", "ObjectWriter")])?.code == .notImplemented)
        #expect(try check(.put, "/b", [("x-amz-grant-full-control", "id=x")])?.code == .notImplemented)
    }

    @Test("POST Object form fields")
    func formFields() throws {
        func form(_ fields: [String: String]) -> S3Error.Code? {
            do {
                try UnhonouredHeaders.checkForm(fields: fields)
                return nil
            } catch { return error.code }
        }
        #expect(form(["acl": "private", "key": "k"]) == nil)
        #expect(form(["acl": "public-read"]) == .notImplemented)
        #expect(form(["x-amz-server-side-encryption": "AES256"]) == .notImplemented)
        #expect(form(["tagging": "<Tagging><TagSet/></Tagging>"]) == nil)  // read by the handler
        #expect(form(["x-amz-object-lock-legal-hold": "ON"]) == nil)  // checked by the handler, as a PUT's header
        // A class S3 knows is the handler's to place (or refuse, if not mapped to a pool); another is refused here.
        #expect(form(["x-amz-storage-class": "GLACIER"]) == nil)
        #expect(form(["x-amz-storage-class": "FAST"]) == .invalidStorageClass)
        #expect(form(["x-amz-storage-class": "STANDARD"]) == nil)
    }
}
