import AsyncHTTPClient
import Crypto
import Foundation
import KSANCore
import KSANS3
import NIOCore
import PostgresNIO
import Testing

/// The table of malformed requests: each one, sent to a cluster of real executables, is answered with its S3 error
/// (status, and an XML body whose Code, Message, Resource and RequestId are right) and leaves nothing behind: no
/// object, no shard file, no write intent. Bodies span two stripes, so most failures happen after shards were
/// written and prove that those shards are removed.
///
/// aws-chunked framing and chunk signatures are computed here from the AWS documentation, independently of the
/// gateway's decoder.
@Suite("Malformed requests against real executables", .serialized)
struct MalformedRequestTests {
    static let bucket = "bad"
    static let region = "us-east-1"
    static let emptySHA256 = Self.sha256Hex(ByteBuffer())

    /// One row of the table: the reply to a malformed request and the error it must be.
    struct Row {
        var name: String
        var key: String
        var reply: TestCluster.Reply
        var status: UInt
        var code: String
        var message: String? = nil
    }

    @Test("each malformed request maps to its S3 error and stores nothing")
    func malformedRequests() async throws {
        try await TestCluster.with { try await table($0) }
    }

    func table(_ cluster: TestCluster) async throws {
        try await internalAPIsNeedTheClusterKey(cluster)
        #expect(try await cluster.s3("PUT", "/\(Self.bucket)").status == 200)
        let body = ClusterTests.random((5 << 20) + 123)
        let crc = Self.base64(Self.crc32(body))

        // Controls: the well-formed version of each kind of request succeeds, so every failure below is the
        // gateway's judgement of what was malformed, not a fault of this test's encoder.
        let controls = [
            ("signed chunks", try await streamingPut(cluster, key: "ok/chunks", body)),
            ("unsigned trailer", try await trailerPut(cluster, key: "ok/trailer", body, trailer: crc)),
            (
                "signed payload",
                try await cluster.s3("PUT", "/bad/ok/signed", body: body, payloadHash: Self.sha256Hex(body))
            ),
            (
                "Content-MD5",
                try await cluster.s3("PUT", "/bad/ok/md5", body: body, headers: [("content-md5", Self.md5(body))])
            ),
            ("presigned", try await presignedPut(cluster, key: "ok/presigned", body, date: Date(), expires: 600)),
        ]
        for (name, reply) in controls {
            #expect(reply.status == 200, "control \(name): \(String(buffer: reply.body))")
        }
        for key in ["ok/chunks", "ok/trailer", "ok/signed", "ok/md5", "ok/presigned"] {
            #expect(try await cluster.s3("GET", "/bad/\(key)").body == body, "control \(key) reads back")
        }
        let shardsBefore = Set(cluster.shardFiles())
        let intentsBefore = try await cluster.rowCount("write_intents")

        var truncated = ByteBuffer()
        truncated.writeString(String(body.readableBytes, radix: 16) + "\r\n")
        truncated.writeImmutableBuffer(body.getSlice(at: 0, length: 4_500_000)!)
        let other = ClusterTests.random(body.readableBytes)
        let rows: [Row] = [
            Row(
                name: "bad chunk signature", key: "chunk-signature",
                reply: try await streamingPut(cluster, key: "chunk-signature", body, tamper: 40),
                status: 403, code: "SignatureDoesNotMatch"),
            Row(
                name: "truncated chunk", key: "truncated",
                reply: try await streamingPut(cluster, key: "truncated", body, framing: truncated),
                status: 400, code: "IncompleteBody"),
            Row(
                name: "decoded length longer than the body", key: "long",
                reply: try await streamingPut(cluster, key: "long", body, decodedLength: body.readableBytes + 1),
                status: 400, code: "IncompleteBody"),
            Row(
                name: "decoded length shorter than the body", key: "short",
                reply: try await streamingPut(cluster, key: "short", body, decodedLength: body.readableBytes - 1),
                status: 400, code: "IncompleteBody"),
            Row(
                name: "bad trailer checksum", key: "trailer",
                reply: try await trailerPut(
                    cluster, key: "trailer", body, trailer: Self.base64(Self.crc32(body) ^ 1)),
                status: 400, code: "BadDigest"),
            Row(
                name: "missing decoded length", key: "no-decoded-length",
                reply: try await trailerPut(
                    cluster, key: "no-decoded-length", body, trailer: crc, decodedLength: false),
                status: 411, code: "MissingContentLength"),
            Row(
                name: "unknown checksum algorithm", key: "algorithm",
                reply: try await cluster.s3(
                    "PUT", "/bad/algorithm", body: body, headers: [("x-amz-sdk-checksum-algorithm", "MD6")]),
                status: 400, code: "InvalidRequest"),
            Row(
                name: "unknown streaming signature", key: "sigv4a",
                reply: try await cluster.s3(
                    "PUT", "/bad/sigv4a", body: body,
                    headers: [
                        ("content-encoding", "aws-chunked"),
                        ("x-amz-decoded-content-length", String(body.readableBytes)),
                    ],
                    payloadHash: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"),
                status: 501, code: "NotImplemented"),
            Row(
                name: "expired presigned URL", key: "expired",
                reply: try await presignedPut(
                    cluster, key: "expired", body, date: Date().addingTimeInterval(-7200), expires: 60),
                status: 403, code: "AccessDenied", message: "Request has expired"),
            Row(
                name: "skewed date", key: "skewed",
                reply: try await signedPut(cluster, key: "skewed", body, date: Date().addingTimeInterval(-20 * 60)),
                status: 403, code: "RequestTimeTooSkewed"),
            Row(
                name: "missing x-amz-date", key: "no-date",
                reply: try await signedPut(cluster, key: "no-date", body, dropping: "x-amz-date"),
                status: 403, code: "AccessDenied"),
            Row(
                name: "missing x-amz-content-sha256", key: "no-payload-hash",
                reply: try await signedPut(cluster, key: "no-payload-hash", body, dropping: "x-amz-content-sha256"),
                status: 400, code: "InvalidRequest"),
            Row(
                name: "payload hash mismatch", key: "sha256",
                reply: try await cluster.s3(
                    "PUT", "/bad/sha256", body: other, payloadHash: Self.sha256Hex(body)),
                status: 400, code: "XAmzContentSHA256Mismatch"),
            Row(
                name: "Content-MD5 mismatch", key: "md5",
                reply: try await cluster.s3(
                    "PUT", "/bad/md5", body: other, headers: [("content-md5", Self.md5(body))]),
                status: 400, code: "BadDigest"),
            Row(
                name: "Content-MD5 not base64 of 16 bytes", key: "md5-invalid",
                reply: try await cluster.s3(
                    "PUT", "/bad/md5-invalid", body: body, headers: [("content-md5", "bm90IGFuIG1kNQ==")]),
                status: 400, code: "InvalidDigest"),
            Row(
                name: "unknown access key", key: "unknown-key",
                reply: try await signedPut(
                    cluster, key: "unknown-key", body,
                    signer: SigV4Signer(accessKeyId: "NOSUCHKEY0000000000", secretKey: "x", region: Self.region)),
                status: 403, code: "InvalidAccessKeyId"),
            Row(
                name: "wrong secret", key: "wrong-secret",
                reply: try await signedPut(
                    cluster, key: "wrong-secret", body,
                    signer: SigV4Signer(accessKeyId: cluster.accessKey, secretKey: "wrong", region: Self.region)),
                status: 403, code: "SignatureDoesNotMatch"),
            Row(
                name: "wrong region in the scope", key: "region",
                reply: try await signedPut(
                    cluster, key: "region", body,
                    signer: SigV4Signer(
                        accessKeyId: cluster.accessKey, secretKey: cluster.secretKey, region: "eu-west-9")),
                status: 400, code: "AuthorizationHeaderMalformed"),
            Row(
                name: "SigV2 wrong signature", key: "sigv2",
                reply: try await cluster.send(
                    "PUT", "/bad/sigv2", body: body,
                    headers: [
                        ("date", HTTPDate.format(Date())),
                        ("authorization", "AWS \(cluster.accessKey):AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
                    ]),
                status: 403, code: "SignatureDoesNotMatch"),
            Row(
                name: "key too long", key: String(repeating: "k", count: 1025),
                reply: try await cluster.s3("PUT", "/bad/" + String(repeating: "k", count: 1025), body: body),
                status: 400, code: "KeyTooLongError"),
        ]

        for row in rows {
            try expectError(row, bucket: Self.bucket)
            let head = try await cluster.s3("HEAD", "/bad/\(row.key)")
            #expect(head.status == (row.code == "KeyTooLongError" ? 400 : 404), "\(row.name): nothing is stored")
        }
        let listing = String(buffer: try await cluster.s3("GET", "/bad", query: "list-type=2").body)
        #expect(listing.components(separatedBy: "<Key>").count - 1 == 5, "only the controls are listed: \(listing)")

        // Shards written before the error are deleted, and their write intents with them.
        let deadline = ContinuousClock.now + .seconds(20)
        while Set(cluster.shardFiles()) != shardsBefore, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(Set(cluster.shardFiles()) == shardsBefore, "no shard file is left behind")
        #expect(try await cluster.rowCount("write_intents") == intentsBefore, "no write intent is left behind")
    }

    /// The metadata and OSD APIs answer 401 to calls that are not signed with the cluster key (which would
    /// otherwise hand out every access key's secret, or any shard), and serve signed ones.
    func internalAPIsNeedTheClusterKey(_ cluster: TestCluster) async throws {
        let key = try #require(ClusterKey(secret: cluster.clusterKey))
        let wrong = try #require(ClusterKey(secret: "not-the-cluster-key-at-all"))
        let metadataPath = "/v1/repairs/list"
        let osdPath = "/v1/disks/osd1-d1/data/0123abcd/0/0"
        for (port, method, path, body, signedStatus) in [
            (cluster.metadataPort, "POST", metadataPath, #"{"limit":1,"dropAfter":0}"#, UInt(200)),
            (cluster.osds[0].port, "GET", osdPath, nil, UInt(404)),
        ] {
            for (signer, expected) in [(nil, UInt(401)), (wrong, 401), (key, signedStatus)] {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = .init(rawValue: method)
                if let body { request.body = .bytes(ByteBuffer(string: body)) }
                let headers = signer?.headers(method: method, path: path, body: ByteBuffer(string: body ?? "")) ?? []
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                let response = try await cluster.http.execute(request, timeout: .seconds(10))
                #expect(response.status.code == expected, "\(method) \(path) on \(port)")
                guard signer != nil, expected != 401 else { continue }
                // The same signed request again is a replay.
                let replay = try await cluster.http.execute(request, timeout: .seconds(10))
                #expect(replay.status.code == 401, "replay of \(method) \(path) on \(port)")
                // The signature covers the body and the query: a signed call with another of either is refused.
                var otherQuery = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)?x=1")
                otherQuery.method = request.method
                otherQuery.body = request.body
                let fresh = key.headers(method: method, path: path, body: ByteBuffer(string: body ?? ""))
                for (name, value) in fresh { otherQuery.headers.add(name: name, value: value) }
                #expect(try await cluster.http.execute(otherQuery, timeout: .seconds(10)).status.code == 401)
                var otherBody = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                otherBody.method = request.method
                otherBody.body = .bytes(ByteBuffer(string: (body ?? "") + " "))
                for (name, value) in key.headers(method: method, path: path, body: ByteBuffer(string: body ?? "")) {
                    otherBody.headers.add(name: name, value: value)
                }
                #expect(try await cluster.http.execute(otherBody, timeout: .seconds(10)).status.code == 401)
            }
        }
    }

    /// Checks a row's reply: status, then an XML error with the code, a message, the resource and the request id
    /// of the `x-amz-request-id` header.
    func expectError(_ row: Row, bucket: String) throws {
        let text = String(buffer: row.reply.body)
        #expect(row.reply.status == row.status, "\(row.name): \(row.reply.status) \(text)")
        let xml = try XMLNode.parse(Data(buffer: row.reply.body))
        #expect(xml.name == "Error", "\(row.name)")
        #expect(xml.child("Code")?.text == row.code, "\(row.name): \(text)")
        let message = xml.child("Message")?.text ?? ""
        #expect(!message.isEmpty, "\(row.name): a message")
        if let expected = row.message { #expect(message == expected, "\(row.name)") }
        #expect(xml.child("Resource")?.text == "/\(bucket)/\(row.key)", "\(row.name): \(text)")
        let requestId = row.reply.headers.first(name: "x-amz-request-id")
        #expect(requestId != nil && xml.child("RequestId")?.text == requestId, "\(row.name): request id")
    }

    // MARK: Requests

    /// A PUT with `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: 64 KiB chunks, each signed with the previous signature.
    /// - Parameters:
    ///   - tamper: the index of a chunk whose first byte is flipped after signing.
    ///   - decodedLength: the announced `x-amz-decoded-content-length` (default the body's length).
    ///   - framing: bytes sent instead of the signed framing.
    func streamingPut(
        _ cluster: TestCluster, key: String, _ body: ByteBuffer, tamper: Int? = nil, decodedLength: Int? = nil,
        framing: ByteBuffer? = nil
    ) async throws -> TestCluster.Reply {
        let path = "/\(Self.bucket)/\(key)"
        let chunkSize = 64 << 10
        let chunks = stride(from: 0, to: body.readableBytes, by: chunkSize).map {
            body.getSlice(at: $0, length: min(chunkSize, body.readableBytes - $0))!
        }
        let headers = [
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", String(decodedLength ?? body.readableBytes)),
        ]
        let signed = cluster.signer.sign(
            method: "PUT", rawPath: path, headers: [("host", cluster.gatewayHost)] + headers,
            payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        let amzDate = signed.first { $0.name == "x-amz-date" }!.value
        let authorization = signed.first { $0.name == "authorization" }!.value
        var previous = String(authorization.split(separator: "Signature=").last!)
        let scope = "\(amzDate.prefix(8))/\(Self.region)/s3/aws4_request"
        let signingKey = SigV4.signingKey(
            secretKey: cluster.secretKey, date: String(amzDate.prefix(8)), region: Self.region, service: "s3")
        var framed = ByteBuffer()
        for (index, chunk) in (chunks + [ByteBuffer()]).enumerated() {
            let toSign = [
                "AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope, previous, Self.emptySHA256, Self.sha256Hex(chunk),
            ].joined(separator: "\n")
            previous = HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey)
                .map { String(format: "%02x", $0) }.joined()
            var bytes = chunk
            if tamper == index {
                bytes.setInteger(bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)! ^ 1, at: bytes.readerIndex)
            }
            framed.writeString(String(chunk.readableBytes, radix: 16) + ";chunk-signature=" + previous + "\r\n")
            framed.writeBuffer(&bytes)
            framed.writeString("\r\n")
        }
        return try await cluster.send(
            "PUT", path, body: framing ?? framed, headers: headers + signed.map { ($0.name, $0.value) })
    }

    /// A PUT with `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: one chunk, then an `x-amz-checksum-crc32` trailer.
    func trailerPut(
        _ cluster: TestCluster, key: String, _ body: ByteBuffer, trailer: String, decodedLength: Bool = true
    ) async throws -> TestCluster.Reply {
        var headers = [("content-encoding", "aws-chunked"), ("x-amz-trailer", "x-amz-checksum-crc32")]
        if decodedLength { headers.append(("x-amz-decoded-content-length", String(body.readableBytes))) }
        var framed = ByteBuffer()
        framed.writeString(String(body.readableBytes, radix: 16) + "\r\n")
        framed.writeImmutableBuffer(body)
        framed.writeString("\r\n0\r\nx-amz-checksum-crc32:\(trailer)\r\n\r\n")
        return try await cluster.s3(
            "PUT", "/\(Self.bucket)/\(key)", body: framed, headers: headers,
            payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    }

    /// A PUT through a presigned URL signed at `date`.
    func presignedPut(_ cluster: TestCluster, key: String, _ body: ByteBuffer, date: Date, expires: Int)
        async throws -> TestCluster.Reply
    {
        let path = "/\(Self.bucket)/\(key)"
        let query = cluster.signer.presign(
            method: "PUT", rawPath: path, host: cluster.gatewayHost, expires: expires, date: date)
        return try await cluster.send("PUT", path, query: query, body: body, headers: [])
    }

    /// A header-signed PUT (unsigned payload) with a chosen signer and time, optionally without one of the
    /// headers the signature produced.
    func signedPut(
        _ cluster: TestCluster, key: String, _ body: ByteBuffer, signer: SigV4Signer? = nil, date: Date = Date(),
        dropping: String? = nil
    ) async throws -> TestCluster.Reply {
        let path = "/\(Self.bucket)/\(key)"
        let signed = (signer ?? cluster.signer).sign(
            method: "PUT", rawPath: path, headers: [("host", cluster.gatewayHost)], date: date)
        return try await cluster.send(
            "PUT", path, body: body, headers: signed.filter { $0.name != dropping }.map { ($0.name, $0.value) })
    }

    // MARK: Digests

    static func sha256Hex(_ buffer: ByteBuffer) -> String {
        buffer.withUnsafeReadableBytes { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() }
    }

    static func md5(_ buffer: ByteBuffer) -> String {
        buffer.withUnsafeReadableBytes { Data(Insecure.MD5.hash(data: $0)).base64EncodedString() }
    }

    static func base64(_ value: UInt32) -> String {
        Data([UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
            .base64EncodedString()
    }

    /// CRC-32 (IEEE, reflected, as zlib), table-driven; written here so the test does not trust the gateway's.
    static func crc32(_ buffer: ByteBuffer) -> UInt32 {
        let table: [UInt32] = (0..<256).map { n in
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            return c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
