import Foundation
import HTTPTypes
import KSANTestSupport
import Testing

@testable import KSANS3

@Suite("Request parsing and routing")
struct S3RequestTests {
    func request(
        _ method: HTTPRequest.Method, _ path: String, _ query: String? = nil, host: String = "127.0.0.1:9000",
        headers: HTTPFields = [:], domains: [String] = ["s3.example.com"]
    ) throws -> S3Request {
        try S3Request(method: method, authority: host, path: path, query: query, headers: headers, domains: domains)
    }

    @Test("path style: bucket and decoded key")
    func pathStyle() throws {
        let r = try request(.get, "/bucket/dir/my%20file%2B1%C3%A9.txt", "x=1")
        #expect(r.bucket == "bucket")
        #expect(r.key == "dir/my file+1é.txt")
        #expect(try request(.get, "/bucket/").key == nil)
        #expect(try request(.get, "/bucket").key == nil)
        #expect(try request(.get, "/").bucket == nil)
        #expect(try request(.get, "/bucket/dir/").key == "dir/")
        #expect(try request(.get, "/bucket//lead").key == "/lead")
    }

    @Test("virtual-hosted style")
    func virtualHosted() throws {
        let r = try request(.get, "/a/b.txt", host: "photos.s3.example.com:9000")
        #expect(r.bucket == "photos")
        #expect(r.key == "a/b.txt")
        let root = try request(.get, "/", host: "photos.s3.example.com")
        #expect(root.bucket == "photos")
        #expect(root.key == nil)
    }

    @Test("query decoding keeps order and decodes + as space")
    func query() throws {
        let r = try request(.get, "/b", "list-type=2&prefix=a%2Fb+c&delimiter=%2F&uploads")
        #expect(r.query("prefix") == "a/b c")
        #expect(r.query("delimiter") == "/")
        #expect(r.hasQuery("uploads"))
        #expect(r.query("uploads") == "")
        #expect(throws: S3Error.self) { try request(.get, "/b", "prefix=%ZZ") }
        #expect(throws: S3Error.self) { try request(.get, "/b/%FF%FE") }
    }

    @Test("operations resolve from method, path and sub-resources")
    func operations() throws {
        func op(_ m: HTTPRequest.Method, _ p: String, _ q: String? = nil, _ h: HTTPFields = [:]) throws -> S3Operation {
            try S3Operation.resolve(try request(m, p, q, headers: h))
        }
        #expect(try op(.get, "/") == .listBuckets)
        #expect(try op(.put, "/b") == .createBucket)
        #expect(try op(.get, "/b", "location") == .getBucketLocation)
        #expect(try op(.get, "/b", "list-type=2") == .listObjectsV2)
        #expect(try op(.get, "/b") == .listObjects)
        #expect(try op(.get, "/b", "uploads") == .listMultipartUploads)
        #expect(try op(.post, "/b", "delete") == .deleteObjects)
        #expect(try op(.put, "/b/k") == .putObject)
        #expect(try op(.put, "/b/k", nil, [.amzCopySource: "/a/b"]) == .copyObject)
        #expect(try op(.put, "/b/k", "partNumber=1&uploadId=x") == .uploadPart)
        #expect(try op(.put, "/b/k", "partNumber=1&uploadId=x", [.amzCopySource: "/a/b"]) == .uploadPartCopy)
        #expect(try op(.post, "/b/k", "uploads") == .createMultipartUpload)
        #expect(try op(.post, "/b/k", "uploadId=x") == .completeMultipartUpload)
        #expect(try op(.delete, "/b/k", "uploadId=x") == .abortMultipartUpload)
        #expect(try op(.get, "/b/k", "uploadId=x") == .listParts)
        #expect(try op(.head, "/b/k") == .headObject)
        #expect(try op(.get, "/b/k", "attributes") == .getObjectAttributes)
        #expect(throws: S3Error.self) { try op(.get, "/b", "acl") }
        #expect(try op(.put, "/b/k", "tagging") == .putObjectTagging)
        #expect(try op(.delete, "/b/k", "tagging") == .deleteObjectTagging)
        #expect(try op(.get, "/b", "tagging") == .getBucketTagging)
        #expect(try op(.put, "/b", "requestPayment") == .putBucketRequestPayment)
        #expect(try op(.get, "/b/k", "retention") == .getObjectRetention)
        #expect(try op(.put, "/b/k", "legal-hold&versionId=x") == .putObjectLegalHold)
        #expect(try op(.put, "/b", "object-lock") == .putObjectLockConfiguration)
        #expect(try op(.delete, "/b", "replication") == .deleteBucketReplication)
        #expect(try op(.get, "/b", "notification") == .getBucketNotification)
        #expect(throws: S3Error.self) { try op(.delete, "/b", "notification") }
        #expect(throws: S3Error.self) { try op(.delete, "/b/k", "retention") }
        #expect(try op(.get, "/b", "versioning") == .getBucketVersioning)
        #expect(try op(.get, "/b", "versions&prefix=a") == .listObjectVersions)
        #expect(try op(.get, "/b/k", "versionId=null") == .getObject)
        #expect(try op(.delete, "/b/k", "versionId=null") == .deleteObject)
        #expect(try op(.get, "/b/k", "versionId=null&tagging") == .getObjectTagging)
        #expect(throws: S3Error.self) { try op(.get, "/b/k", "versionId=null&acl") }
        #expect(throws: S3Error.self) { try op(.put, "/b/k", "versionId=null") }
        #expect(throws: S3Error.self) { try op(.put, "/b", "versions") }  // not a CreateBucket
        #expect(throws: S3Error.self) { try op(.delete, "/b", "versions") }
        #expect(try op(.put, "/b", "versioning") == .putBucketVersioning)
        #expect(throws: S3Error.self) { try op(.delete, "/b", "versioning") }  // MethodNotAllowed
        #expect(try op(.put, "/b/k", "versionId=3&tagging") == .putObjectTagging)
        #expect(try op(.head, "/b/k", "versionId=3") == .headObject)
    }

    @Test("a refused sub-resource call is named by its AWS operation, in the error and the log")
    func refusedOperationNames() throws {
        func name(_ method: HTTPRequest.Method, _ path: String, _ query: String? = nil) throws -> String {
            S3Operation.name(of: try request(method, path, query))
        }
        #expect(try name(.get, "/b", "tagging") == "GetBucketTagging")
        #expect(try name(.delete, "/b", "tagging") == "DeleteBucketTagging")
        #expect(try name(.put, "/b", "requestPayment") == "PutBucketRequestPayment")
        #expect(try name(.get, "/b", "cors") == "GetBucketCors")
        #expect(try name(.put, "/b/k", "tagging") == "PutObjectTagging")
        #expect(try name(.get, "/b", "versions") == "ListObjectVersions")
        #expect(try name(.put, "/b", "lifecycle") == "PutBucketLifecycleConfiguration")
        #expect(try name(.post, "/b/k", "restore") == "RestoreObject")
        #expect(try name(.get, "/b/k", "acl") == "GetObjectAcl")
        #expect(try name(.post, "/b", "cors") == "POST ?cors")
        #expect(try name(.post, "/b", "tagging") == "Unknown")  // MethodNotAllowed
        #expect(try name(.get, "/b", "list-type=2") == "ListObjectsV2")
        #expect(try name(.patch, "/b/k") == "Unknown")
        do {
            _ = try S3Operation.resolve(try request(.get, "/b", "cors"))
            Issue.record("GET ?cors resolved")
        } catch let error as S3Error {
            #expect(error.code == .notImplemented)
            #expect(error.message.hasPrefix("GetBucketCors"))
            #expect(error.resource == "/b?cors")
        }
        #expect(throws: S3Error.self) { try S3Operation.resolve(try request(.post, "/b", "tagging")) }
    }

    @Test(
        "bucket names",
        arguments: [
            ("abc", true), ("my-bucket.data", true), ("a1b", true), (String(repeating: "a", count: 63), true),
            ("ab", false), (String(repeating: "a", count: 64), false), ("A_B", false), ("Abc", false), ("-abc", false),
            ("abc-", false), ("a..b", false), ("192.168.1.1", false), ("xn--abc", false), ("abc-s3alias", false),
            ("a.-b", false),
        ])
    func bucketNames(name: String, valid: Bool) {
        #expect(BucketName.isValid(name) == valid)
    }

    @Test("ranges")
    func ranges() throws {
        #expect(try ByteRange.parse("bytes=0-0", size: 10) == 0..<1)
        #expect(try ByteRange.parse("bytes=2-5", size: 10) == 2..<6)
        #expect(try ByteRange.parse("bytes=5-", size: 10) == 5..<10)
        #expect(try ByteRange.parse("bytes=-3", size: 10) == 7..<10)
        #expect(try ByteRange.parse("bytes=-30", size: 10) == 0..<10)
        #expect(try ByteRange.parse("bytes=8-100", size: 10) == 8..<10)
        #expect(try ByteRange.parse("bytes=5-2", size: 10) == nil)
        #expect(try ByteRange.parse("items=0-1", size: 10) == nil)
        #expect(try ByteRange.parse("bytes=0-1,3-4", size: 10) == nil)
        #expect(throws: S3Error.self) { try ByteRange.parse("bytes=10-", size: 10) }
        #expect(throws: S3Error.self) { try ByteRange.parse("bytes=-0", size: 10) }
        #expect(throws: S3Error.self) { try ByteRange.parse("bytes=0-0", size: 0) }
    }

    @Test("XML escaping and timestamps")
    func xml() throws {
        var w = XMLWriter()
        w.open("R", namespace: true)
        w.element("Key", "a<b>&\"c'\u{1}")
        w.close("R")
        #expect(
            w.document.hasSuffix(
                "<R xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Key>a&lt;b&gt;&amp;&quot;c&apos;&#1;</Key></R>"))
        #expect(XMLWriter.timestamp(Date(timeIntervalSince1970: 1_369_353_600.123)) == "2013-05-24T00:00:00.123Z")
        #expect(XMLWriter.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(XMLWriter.timestamp(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(XMLWriter.timestamp(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        // Against Foundation's formatter, over dates from 1900 to 2200.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2000 {
            let millis = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(XMLWriter.timestamp(date) == formatter.string(from: date), "\(millis)")
        }
        // Text that needs no escaping is copied; other scalars stay whole around escaped ones.
        var mixed = XMLWriter()
        mixed.element("K", "é\u{10FFFF}\t<\u{1F}")
        mixed.element("E", quoted: "abc")
        mixed.element("S", integer: Int64(-5))
        #expect(mixed.document.hasSuffix("<K>é\u{10FFFF}\t&lt;&#31;</K><E>&quot;abc&quot;</E><S>-5</S>"))
        #expect(XMLWriter.escape("a&b") == "a&amp;b")
        // Integers at their extremes, and a document that outgrows the buffer it was given.
        var numbers = XMLWriter(capacity: 16)
        for value in [0, 7, -1, 10, 999_999_999_999, Int64.max, Int64.min] { numbers.element("N", integer: value) }
        for _ in 0..<100 { numbers.element("T", timestamp: Date(timeIntervalSince1970: 0)) }
        #expect(
            numbers.document.contains(
                "<N>0</N><N>7</N><N>-1</N><N>10</N><N>999999999999</N><N>9223372036854775807</N>"
                    + "<N>-9223372036854775808</N><T>1970-01-01T00:00:00.000Z</T>"))
        #expect(numbers.document.components(separatedBy: "<T>1970-01-01T00:00:00.000Z</T>").count == 101)
        #expect(numbers.byteBuffer.readableBytes == numbers.document.utf8.count)
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test("XML parsing of request bodies; malformed XML is MalformedXML")
    func xmlParse() throws {
        let doc = """
            <?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>\
            <Object><Key>a &amp; b</Key></Object><Object><Key>c</Key></Object></Delete>
            """
        let root = try XMLNode.parse(Data(doc.utf8))
        #expect(root.name == "Delete")
        #expect(root.children("Object").compactMap { $0.child("Key")?.text } == ["a & b", "c"])
        for bad in ["<Delete><Object>", "not xml", "<a></b>"] {
            do {
                _ = try XMLNode.parse(Data(bad.utf8))
                Issue.record("parsed \(bad)")
            } catch {
                #expect(error.code == .malformedXML)
            }
        }
    }

    @Test("the signer's output verifies")
    func signer() throws {
        let signer = SigV4Signer(accessKeyId: "AKID", secretKey: "secret", region: "us-east-1")
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let headers = signer.sign(
            method: "PUT", rawPath: "/b/a%20b", rawQuery: "partNumber=1&uploadId=x",
            headers: [("host", "localhost:9000")], date: date)
        let request = SigV4Request(
            method: "PUT", rawPath: "/b/a%20b", rawQuery: "partNumber=1&uploadId=x",
            headers: [("host", "localhost:9000")] + headers)
        let auth = try #require(try SigV4.parse(request))
        try SigV4.verify(request, auth: auth, secretKey: "secret", now: date)
        #expect(throws: S3Error.self) { try SigV4.verify(request, auth: auth, secretKey: "wrong", now: date) }
    }
}
