import Foundation
import HTTPTypes
import KSANMetadata
import NIOCore
import Testing

@testable import KSANS3

/// Regression tests of the hardening issue in the S3 layer, without I/O: headers a signature does not cover,
/// presigned lifetimes, request integers, NUL bytes, POST form budgets, dates, the bucket cache, and which failed
/// commits may discard their data.
@Suite("S3 hardening")
struct S3HardeningTests {
    static let signer = SigV4Signer(accessKeyId: "AKID", secretKey: "secret", region: "us-east-1")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let host = ("host", "127.0.0.1:9000")

    static func verify(_ request: SigV4Request) -> S3Error? {
        do {
            guard let auth = try SigV4.parse(request) else { return S3Error(.accessDenied, "anonymous") }
            try SigV4.verify(request, auth: auth, secretKey: "secret", now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("an x-amz-* header the SigV4 signature does not cover is refused, header and presigned alike")
    func unsignedAmzHeaders() throws {
        let signed = Self.signer.sign(
            method: "PUT", rawPath: "/b/k", headers: [Self.host, ("x-amz-meta-a", "1")], date: Self.now)
        let headers = [Self.host, ("x-amz-meta-a", "1")] + signed
        #expect(Self.verify(SigV4Request(method: "PUT", rawPath: "/b/k", headers: headers)) == nil)
        for extra in [
            ("x-amz-copy-source", "/b/secret"), ("X-Amz-Meta-B", "2"), ("x-amz-metadata-directive", "REPLACE"),
        ] {
            let error = Self.verify(SigV4Request(method: "PUT", rawPath: "/b/k", headers: headers + [extra]))
            #expect(error?.code == .accessDenied, "\(extra)")
            #expect(error?.message == "There were headers present in the request which were not signed")
            #expect(error?.details == [S3Error.Detail("HeadersNotSigned", extra.0.lowercased())])
        }
        // Headers outside x-amz-* need no signature (x-amzn-trace-id is another prefix).
        let others = headers + [("x-amzn-trace-id", "Root=1"), ("user-agent", "test"), ("Range", "bytes=0-1")]
        #expect(Self.verify(SigV4Request(method: "PUT", rawPath: "/b/k", headers: others)) == nil)

        let query = Self.signer.presign(method: "PUT", rawPath: "/b/k", host: Self.host.1, expires: 600, date: Self.now)
        #expect(Self.verify(SigV4Request(method: "PUT", rawPath: "/b/k", rawQuery: query, headers: [Self.host])) == nil)
        let copy = SigV4Request(
            method: "PUT", rawPath: "/b/k", rawQuery: query, headers: [Self.host, ("x-amz-copy-source", "/b/secret")])
        #expect(Self.verify(copy)?.details == [S3Error.Detail("HeadersNotSigned", "x-amz-copy-source")])
        let two = SigV4Request(
            method: "PUT", rawPath: "/b/k", rawQuery: query,
            headers: [Self.host, ("x-amz-tagging", "a=b"), ("x-amz-acl", "public-read")])
        #expect(Self.verify(two)?.details == [S3Error.Detail("HeadersNotSigned", "x-amz-acl, x-amz-tagging")])
    }

    @Test("a Signature Version 2 presigned URL lives at most the configured time (7 days by default)")
    func sigV2Lifetime() throws {
        let expires = Int(Self.now.timeIntervalSince1970) + 8 * 86_400
        let path = "/b/k"
        var auth = SigV2Authorization(accessKeyId: "AKID", signature: "", isPresigned: true, expires: expires)
        let unsigned = SigV4Request(
            method: "GET", rawPath: path, rawQuery: "AWSAccessKeyId=AKID&Expires=\(expires)&Signature=x",
            headers: [Self.host])
        auth.signature = SigV2.expectedSignature(unsigned, auth: auth, secretKey: "secret", virtualHostBucket: nil)
        let request = SigV4Request(
            method: "GET", rawPath: path,
            rawQuery: "AWSAccessKeyId=AKID&Expires=\(expires)&Signature="
                + SigV4Encoding.encode(Array(auth.signature.utf8)),
            headers: [Self.host])
        let parsed = try #require(try SigV2.parse(request))
        try SigV2.verify(request, auth: parsed, secretKey: "secret", now: Self.now, virtualHostBucket: nil)
        #expect(throws: S3Error.self) {
            try SigV2.verify(
                request, auth: parsed, secretKey: "secret", now: Self.now, virtualHostBucket: nil,
                maxExpiry: 604_800)
        }
        try SigV2.verify(
            request, auth: parsed, secretKey: "secret", now: Self.now.addingTimeInterval(2 * 86_400),
            virtualHostBucket: nil, maxExpiry: 604_800)
    }

    @Test("integers of queries and headers: S3's two messages, and never a trap")
    func integers() throws {
        func value(_ text: String, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(S3Error) -> Int {
            try S3Request.integer(text, name: "max-keys", in: range)
        }
        #expect(try value("0") == 0)
        #expect(try value(" 17 ") == 17)
        #expect(try value("+5") == 5)
        #expect(try value("2147483647") == 2_147_483_647)
        for bad in ["", "-", "x", "1x", "0x10", "1.5", "2147483648", "99999999999999999999999", "１"] {
            let error = #expect(throws: S3Error.self) { try value(bad) }
            #expect(error?.message == "Provided max-keys not an integer or within integer range", "\(bad)")
            #expect(error?.details.first == S3Error.Detail("ArgumentName", "max-keys"))
        }
        let negative = #expect(throws: S3Error.self) { try value("-1") }
        #expect(negative?.message == "Argument max-keys must be an integer between 0 and 2147483647")
        #expect(negative?.details.last == S3Error.Detail("ArgumentValue", "-1"))
        #expect(throws: S3Error.self) { try value("10001", in: 1...10_000) }
    }

    @Test("NUL in a path is InvalidURI, in a query InvalidArgument; neither reaches metadata")
    func nulBytes() {
        func request(_ path: String, _ query: String = "") throws -> S3Request {
            try S3Request(method: .get, authority: "h", path: path, query: query, headers: [:], domains: [])
        }
        for path in ["/b/a%00b", "/b%00/k", "/%00"] {
            #expect { try request(path) } throws: { ($0 as? S3Error)?.code == .invalidURI }
        }
        for query in ["prefix=%00", "marker=a%00", "%00=x", "uploadId=%00"] {
            #expect { try request("/b", query) } throws: { ($0 as? S3Error)?.code == .invalidArgument }
        }
        #expect((try? request("/b/a%01b"))?.key == "a\u{1}b", "other control characters are valid in keys")
    }

    @Test("out-of-range HTTP dates are ignored, never converted")
    func httpDates() {
        for text in [
            "Sun, 06 Nov 99999999999 08:49:37 GMT", "Sun, 4294967296 Nov 1994 00:00:00 GMT",
            "Sun, 06 Nov 1994 99999999999:00:00 GMT", "Sun, 06 Nov -1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994 08:49:37:00 GMT",
        ] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test("POST forms: at most 20 KB before the file, and S3's 2 KB of user metadata")
    func postLimits() async throws {
        let boundary = "XyZ"
        func form(_ fields: [(String, String)]) -> [UInt8] {
            var text = ""
            for (name, value) in fields {
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata\r\n--\(boundary)--\r\n"
            return Array(text.utf8)
        }
        func fields(_ body: [UInt8]) async throws -> [String: String] {
            var parser = try MultipartFormParser(
                contentType: "multipart/form-data; boundary=\(boundary)",
                body: PostFormTestBody(pieces: body.chunks(ofCount: 1000)))
            return try await parser.readFields().fields
        }
        #expect(
            try await fields(form([("key", "k"), ("x-amz-meta-a", String(repeating: "a", count: 19_000))])).count == 2)
        for fieldSet in [
            [("x-amz-meta-a", String(repeating: "a", count: 25_000))],
            (0..<30).map { ("field\($0)", String(repeating: "b", count: 800)) },
        ] {
            await #expect {
                _ = try await fields(form(fieldSet))
            } throws: { error in
                (error as? S3Error)?.code.name == "MaxPostPreDataLengthExceeded"
                    && (error as? S3Error)?.details == [S3Error.Detail("MaxPostPreDataLengthBytes", "20480")]
            }
        }
        #expect(throws: Never.self) { try S3Gateway.checkUserMetadataSize(["a": String(repeating: "x", count: 2047)]) }
        #expect { try S3Gateway.checkUserMetadataSize(["a": String(repeating: "x", count: 2048)]) } throws: {
            ($0 as? S3Error)?.code == .metadataTooLarge
        }
    }

    @Test("POST policy expirations are parsed strictly, never by a formatter that traps")
    func policyExpiration() {
        #expect(PostPolicy.parseExpiration("2026-12-01T12:00:00.000Z") == Date(timeIntervalSince1970: 1_796_126_400))
        #expect(PostPolicy.parseExpiration("2026-12-01T12:00:00Z") == Date(timeIntervalSince1970: 1_796_126_400))
        #expect(PostPolicy.parseExpiration("2000-02-29T23:59:59.5Z") == Date(timeIntervalSince1970: 951_868_799.5))
        for text in [
            "2030-01-01T00:00:00." + String(repeating: "9", count: 100) + "Z",  // trapped ISO8601DateFormatter
            "2030-01-01T00:00:00.Z", "2030-13-01T00:00:00Z", "2030-01-01 00:00:00Z", "2030-01-01T00:00:00+01:00",
            "+2030-01-01T00:00:00Z", "2030-01-01T25:00:00Z", "tomorrow", "",
        ] {
            #expect(PostPolicy.parseExpiration(text) == nil, "\(text)")
        }
    }

    @Test("an invalidation wins over a load that was in flight: the stale value is never cached")
    func cacheInvalidationRace() async throws {
        let cache = TTLCache<String, Int>(ttl: 60)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let load = Task {
            try await cache.value(for: "b") {
                startedContinuation.yield()
                for await _ in release { break }
                return 1  // read before the invalidation below
            }
        }
        for await _ in started { break }
        cache.invalidate("b")
        releaseContinuation.yield()
        #expect(try await load.value == 1)
        #expect(try await cache.value(for: "b") { 2 } == 2, "the value loaded before the invalidation was cached")
        #expect(try await cache.value(for: "b") { 3 } == 2, "an undisturbed load is cached")
    }
}

extension Array {
    /// The array cut into pieces of at most `count` elements.
    func chunks(ofCount count: Int) -> [[Element]] {
        stride(from: 0, to: self.count, by: count).map { Array(self[$0..<Swift.min($0 + count, self.count)]) }
    }
}
