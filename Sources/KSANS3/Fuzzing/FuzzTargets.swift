import Crypto
import Dispatch
import Foundation
import HTTPTypes
import KSANCore
import NIOCore

/// The entry points of every parser that reads request input, for fuzzing (`ksan-fuzz`, `scripts/fuzz.sh`). Each
/// takes arbitrary bytes, runs the parser (and what a request would run next on what it parsed) and ignores the
/// S3 errors it throws: a fuzz run fails only if a target traps, hangs or leaks.
///
/// Request-shaped targets (`sigv4`, `sigv2`, `request`) read their input as text lines: the method, the raw path,
/// the raw query, then `name: value` headers. Signatures are checked under ``secretKey`` at the request's own time,
/// so inputs built from valid signed requests reach every path.
package enum FuzzTargets {
    /// The secret every signed seed was signed with (access key `AKIDFUZZ`).
    package static let secretKey = "fuzz-secret-key"

    /// The targets by name.
    package static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("xml", xml), ("sigv4", sigV4), ("sigv2", sigV2), ("aws-chunked", awsChunked), ("post-form", postForm),
        ("range", range), ("post-policy", postPolicy), ("request", request),
    ]

    /// The target called `name`.
    package static func target(_ name: String) -> (@Sendable ([UInt8]) -> Void)? {
        all.first { $0.name == name }?.run
    }

    // MARK: Targets

    /// XML request documents (DeleteObjects, CompleteMultipartUpload, CreateBucketConfiguration).
    static func xml(_ bytes: [UInt8]) {
        guard let root = try? XMLNode.parse(bytes) else { return }
        var count = 0
        var stack = [root]
        while let node = stack.popLast() {
            count += node.text.utf8.count
            stack += node.children
        }
        _ = root.children("Object").compactMap { $0.child("Key")?.text }
        _ = count
    }

    /// SigV4 header and presigned authentication: parsing, canonicalization, verification.
    static func sigV4(_ bytes: [UInt8]) {
        let request = signatureRequest(bytes)
        guard let auth = try? SigV4.parse(request) else { return }
        let now = SigV4Time.parseAMZDate(auth.amzDate) ?? Date(timeIntervalSince1970: 1_800_000_000)
        try? SigV4.verify(request, auth: auth, secretKey: secretKey, now: now, region: "us-east-1")
        _ = SigV4.canonicalRequest(request, auth: auth)
        if auth.isStreaming { _ = AWSChunkedMode(authorization: auth, secretKey: secretKey) }
    }

    /// SigV2 header and query authentication.
    static func sigV2(_ bytes: [UInt8]) {
        let request = signatureRequest(bytes)
        guard let auth = try? SigV2.parse(request) else { return }
        let now =
            auth.expires.map { Date(timeIntervalSince1970: TimeInterval($0) - 60) }
            ?? SigV2.requestTime(request) ?? Date(timeIntervalSince1970: 1_175_139_620)
        for bucket in [nil, "johnsmith"] {
            try? SigV2.verify(
                request, auth: auth, secretKey: secretKey, now: now, virtualHostBucket: bucket, maxExpiry: 604_800)
        }
    }

    /// The aws-chunked decoder. The first byte chooses the mode (bit 0: signed, bit 1: trailer expected), the next
    /// two bytes the decoded length (up to 64 KiB), the next one the size of the pieces the body arrives in.
    static func awsChunked(_ bytes: [UInt8]) {
        guard bytes.count >= 4 else { return }
        let signed = bytes[0] & 1 == 1
        let trailer = bytes[0] & 2 == 2
        let length = Int64(bytes[1]) << 8 | Int64(bytes[2])
        let piece = max(1, Int(bytes[3]))
        let mode: AWSChunkedMode =
            signed
            ? .signed(
                signingKey: SigV4.signingKey(
                    secretKey: secretKey, date: "20130524", region: "us-east-1", service: "s3"),
                amzDate: "20130524T000000Z", scope: "20130524/us-east-1/s3/aws4_request",
                seedSignature: String(repeating: "0", count: 64))
            : .unsigned
        var parser = AWSChunkedParser(
            mode: mode, decodedLength: length, expectsTrailer: trailer,
            trailerNames: ["x-amz-checksum-crc32", "x-amz-checksum-sha256"])
        var offset = 4
        var payload = 0
        while true {
            let event: AWSChunkedParser.Event
            do {
                event = try parser.next()
            } catch {
                return
            }
            switch event {
            case .payload(let buffer): payload += buffer.readableBytes
            case .finished: return
            case .needInput:
                guard offset < bytes.count else {
                    parser.finishInput()
                    offset = bytes.count + 1
                    continue
                }
                guard offset <= bytes.count else { return }
                let end = min(bytes.count, offset + piece)
                parser.append(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
        }
    }

    /// The POST Object form parser, then the policy and signature of the fields it found, then the file.
    static func postForm(_ bytes: [UInt8]) {
        runBlocking {
            let pieces = stride(from: 0, to: bytes.count, by: 97).map { Array(bytes[$0..<min($0 + 97, bytes.count)]) }
            guard
                var parser = try? MultipartFormParser(
                    contentType: "multipart/form-data; boundary=XyZ", body: PiecewiseBody(pieces: pieces))
            else { return }
            guard let (fields, _, _) = try? await parser.readFields() else { return }
            if let policy = fields["policy"] {
                _ = try? PostPolicy.check(
                    policyBase64: policy, fields: fields, bucket: "bucket", now: Date(timeIntervalSince1970: 0))
            }
            _ = try? PostSignature.accessKeyId(fields: fields)
            try? PostSignature.verify(fields: fields, secretKey: secretKey, region: "us-east-1")
            do {
                for try await _ in parser.fileBytes() {}
            } catch {}
        }
    }

    /// The Range header, against an object size taken from the first 8 bytes.
    static func range(_ bytes: [UInt8]) {
        guard bytes.count >= 8 else { return }
        let size = Int64(bitPattern: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }) & 0x0000_FFFF_FFFF_FFFF
        let text = String(decoding: bytes[8...], as: UTF8.self)
        guard let range = try? ByteRange.parse(text, size: size) else { return }
        precondition(range.lowerBound >= 0 && range.upperBound <= size && !range.isEmpty, "range outside the object")
    }

    /// The POST policy JSON (given raw; the target encodes it in base64 as a form carries it).
    static func postPolicy(_ bytes: [UInt8]) {
        let fields = [
            "key": "uploads/a.txt", "content-type": "text/plain", "x-amz-meta-a": "b", "success_action_status": "201",
            "policy": "",
        ]
        _ = try? PostPolicy.check(
            policyBase64: Data(bytes).base64EncodedString(), fields: fields, bucket: "bucket",
            now: Date(timeIntervalSince1970: 0))
    }

    /// Request routing: path and query decoding, virtual hosts, the operation, integer parameters, checksum and
    /// conditional headers.
    static func request(_ bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else { return }
        var fields = HTTPFields()
        var authority: String?
        for line in lines.dropFirst(3) {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else {
                continue
            }
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            if name.canonicalName == "host" {
                authority = value
            } else {
                fields.append(HTTPField(name: name, value: value))
            }
        }
        guard
            let request = try? S3Request(
                method: HTTPRequest.Method(String(lines[0])) ?? .get, authority: authority, path: String(lines[1]),
                query: String(lines[2]), headers: fields, domains: ["s3.example.com"])
        else { return }
        _ = try? S3Operation.resolve(request)
        for name in ["max-keys", "max-uploads", "max-parts", "part-number-marker", "partNumber"] {
            _ = try? request.integerQuery(name, in: 0...Int(Int32.max))
        }
        for name in ["x-amz-max-parts", "x-amz-part-number-marker"] {
            _ = try? request.integerHeader(name, in: 0...Int(Int32.max))
        }
        _ = try? ChecksumRequest.from(request)
        _ = try? Preconditions.writeCondition(request)
        for name in ["if-modified-since", "if-unmodified-since"] { _ = request.header(name).flatMap(HTTPDate.parse) }
        if let range = request.header("range") { _ = try? ByteRange.parse(range, size: 1 << 20) }
    }

    // MARK: Plumbing

    /// Method, raw path, raw query and headers from text lines.
    static func signatureRequest(_ bytes: [UInt8]) -> SigV4Request {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst(3) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return SigV4Request(
            method: lines.first.map(String.init) ?? "GET", rawPath: lines.count > 1 ? String(lines[1]) : "/",
            rawQuery: lines.count > 2 ? String(lines[2]) : "", headers: headers)
    }

    /// Runs an async body to completion from synchronous code (the fuzzer's callback thread, never a thread of
    /// Swift's concurrency pool).
    static func runBlocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}
