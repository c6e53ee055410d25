import Crypto
import Foundation
import KSANCore
import KSANTestSupport
import NIOCore
import Testing

@testable import KSANS3

/// Known-answer and failure tests for `aws-chunked` decoding, against the examples AWS publishes in "Transferring
/// Payload in Multiple Chunks (Chunked Upload)" and "Including Trailing Headers (Chunked Upload)", plus bodies
/// signed here with an independent implementation of the chunk and trailer signatures.
@Suite struct AWSChunkedDecoderTests {
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let amzDate = "20130524T000000Z"
    static let scope = "20130524/us-east-1/s3/aws4_request"
    /// The seed signature of the chunked-upload example (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`).
    static let exampleSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    /// The seed signature of the trailing-headers example (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`).
    static let trailerExampleSeed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"

    /// How the raw body is cut into the base sequence's buffers.
    enum Split: CustomStringConvertible, CaseIterable {
        case whole, oneByte, sevenBytes, random

        var description: String {
            switch self {
            case .whole: "whole"
            case .oneByte: "1-byte"
            case .sevenBytes: "7-byte"
            case .random: "random"
            }
        }
    }

    // MARK: The published chunked-upload example

    /// The body of AWS's example: 66560 bytes of `a` as chunks of 65536, 1024 and 0 bytes.
    static func exampleBody() -> [UInt8] {
        chunk(65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")
            + chunk(1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497")
            + chunk(0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
            + Array("\r\n".utf8)
    }

    static func chunk(_ size: Int, _ signature: String) -> [UInt8] {
        var bytes = Array("\(String(size, radix: 16));chunk-signature=\(signature)\r\n".utf8)
        if size > 0 {
            bytes += [UInt8](repeating: UInt8(ascii: "a"), count: size) + Array("\r\n".utf8)
        }
        return bytes
    }

    static func exampleMode(seed: String = exampleSeed) -> AWSChunkedMode {
        .signed(
            signingKey: SigV4.signingKey(secretKey: secretKey, date: "20130524", region: "us-east-1", service: "s3"),
            amzDate: amzDate, scope: scope, seedSignature: seed)
    }

    @Test(arguments: Split.allCases)
    func awsExampleDecodes(split: Split) async throws {
        let body = Self.exampleBody()
        #expect(body.count == 66824)  // the example's Content-Length
        let (payload, trailers) = try await decode(body, mode: Self.exampleMode(), decodedLength: 66560, split: split)
        #expect(payload.count == 66560)
        #expect(payload.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(trailers.isEmpty)
    }

    @Test func awsExampleTamperedDataByte() async {
        for offset in [86 + 1000, 86 + 65536 + 2 + 84 + 7] {  // in the first chunk, then in the second
            var body = Self.exampleBody()
            #expect(body[offset] == UInt8(ascii: "a"))
            body[offset] = UInt8(ascii: "b")
            await expectError(.signatureDoesNotMatch) {
                try await decode(body, mode: Self.exampleMode(), decodedLength: 66560)
            }
        }
    }

    @Test func awsExampleWrongSeedOrChunkSignature() async {
        await expectError(.signatureDoesNotMatch) {
            try await decode(
                Self.exampleBody(), mode: Self.exampleMode(seed: String(repeating: "0", count: 64)),
                decodedLength: 66560)
        }
        // The final, empty chunk is signed too.
        var body = Self.exampleBody()
        let final = Array("b6c6ea8a".utf8)
        let start = body.count - 2 - 2 - 64
        #expect(Array(body[start..<start + 8]) == final)
        body[start] = UInt8(ascii: "c")
        await expectError(.signatureDoesNotMatch) {
            try await decode(body, mode: Self.exampleMode(), decodedLength: 66560)
        }
    }

    @Test(arguments: [Int64(66561), 66559, 0, 65536])
    func awsExampleWrongDecodedLength(decodedLength: Int64) async {
        await expectError(.incompleteBody) {
            try await decode(Self.exampleBody(), mode: Self.exampleMode(), decodedLength: decodedLength)
        }
    }

    @Test(arguments: [1, 2, 3, 50, 90, 1000, 66824 - 86 - 1000, 66824 - 1])
    func awsExampleTruncated(removing count: Int) async {
        let body = Array(Self.exampleBody().dropLast(count))
        for split in [Split.whole, .sevenBytes] {
            await expectError(.incompleteBody) {
                try await decode(body, mode: Self.exampleMode(), decodedLength: 66560, split: split)
            }
        }
    }

    @Test func emptyBodyIsIncomplete() async {
        await expectError(.incompleteBody) {
            try await decode([], mode: Self.exampleMode(), decodedLength: 0)
        }
    }

    @Test func garbageAfterTheEnd() async {
        for extra in ["x", "\r\n", "0\r\n\r\n"] {
            await expectError(.incompleteBody) {
                try await decode(
                    Self.exampleBody() + Array(extra.utf8), mode: Self.exampleMode(), decodedLength: 66560)
            }
        }
    }

    @Test func malformedFraming() async {
        let base = Self.exampleBody()
        func replacing(_ old: String, _ new: String) -> [UInt8] {
            let text = String(decoding: base, as: UTF8.self)
            return Array(text.replacingOccurrences(of: old, with: new).utf8)
        }
        let cases: [[UInt8]] = [
            replacing("10000;", "1000g;"),  // non-hex size
            replacing("10000;", ";"),  // no size
            replacing("400;", "3ff;"),  // data longer than announced
            replacing("10000;chunk-signature=", "10000;chunk-signatur="),  // bad extension
            replacing("10000;chunk-signature=ad80", "10000;chunk-signature=ad8"),  // short signature
            replacing(
                "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "10000"),
            replacing("a288648\r\n", "a288648\n"),  // chunk header without CR
            Array(base.dropLast(2)) + Array("\n".utf8),  // final line without CR
        ]
        for body in cases {
            await expectError(.incompleteBody) {
                try await decode(body, mode: Self.exampleMode(), decodedLength: 66560)
            }
        }
    }

    @Test func chunkOverSixteenMiBIsRefused() async {
        let body = Array("1000001;chunk-signature=\(String(repeating: "0", count: 64))\r\n".utf8)
        await expectError(.invalidRequest) {
            try await decode(body, mode: Self.exampleMode(), decodedLength: 32 << 20)
        }
        await expectError(.invalidRequest) {
            try await decode(Array("ffffffffffffffffffff\r\n".utf8), mode: .unsigned, decodedLength: 32 << 20)
        }
    }

    @Test func baseErrorsAreRethrown() async {
        struct Broken: Error {}
        let decoder = AWSChunkedDecoder(
            base: FailingSequence(prefix: ByteBuffer(bytes: Self.exampleBody().prefix(1000)), error: Broken()),
            mode: Self.exampleMode(), decodedLength: 66560, expectsTrailer: false, trailerNames: [],
            trailerSink: AWSChunkedTrailerSink())
        await #expect(throws: Broken.self) {
            for try await _ in decoder {}
        }
    }

    // MARK: Unsigned payload with a trailer

    static let unsignedTrailerBody = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"

    @Test(arguments: Split.allCases)
    func unsignedTrailer(split: Split) async throws {
        let (payload, trailers) = try await decode(
            Array(Self.unsignedTrailerBody.utf8), mode: .unsigned, decodedLength: 5, expectsTrailer: true,
            trailerNames: ["x-amz-checksum-crc32"], split: split)
        #expect(String(decoding: payload, as: UTF8.self) == "hello")
        #expect(trailers == ["x-amz-checksum-crc32": "NhCmhg=="])
    }

    @Test func unsignedTrailerLineEnds() async throws {
        // As sent by different clients: LF before CRLF, bare LFs, no final empty line, an empty line first.
        let variants = [
            "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\n\r\n\r\n",
            "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\n\r\n",
            "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\n\n",
            "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n",
            "5\r\nhello\r\n0\r\n\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
            "5\r\nhello\r\n0\r\nX-Amz-Checksum-CRC32: NhCmhg==\r\n\r\n",
        ]
        for body in variants {
            for split in [Split.whole, .oneByte] {
                let (payload, trailers) = try await decode(
                    Array(body.utf8), mode: .unsigned, decodedLength: 5, expectsTrailer: true,
                    trailerNames: ["x-amz-checksum-crc32"], split: split)
                #expect(String(decoding: payload, as: UTF8.self) == "hello", "\(body.debugDescription)")
                #expect(trailers == ["x-amz-checksum-crc32": "NhCmhg=="], "\(body.debugDescription)")
            }
        }
    }

    @Test func unsignedTrailerNotAnnounced() async {
        await expectError(.malformedTrailerError) {
            try await decode(
                Array(Self.unsignedTrailerBody.utf8), mode: .unsigned, decodedLength: 5, expectsTrailer: true,
                trailerNames: ["x-amz-checksum-sha256"])
        }
        await expectError(.malformedTrailerError) {
            try await decode(
                Array("0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-meta-x:1\r\n\r\n".utf8), mode: .unsigned,
                decodedLength: 0, expectsTrailer: true, trailerNames: ["x-amz-checksum-crc32"])
        }
    }

    @Test func unsignedTrailerMalformed() async {
        let bodies = [
            "0\r\nx-amz-checksum-crc32\r\n\r\n",  // no colon
            "0\r\n:AAAAAA==\r\n\r\n",  // no name
            "0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",  // twice
        ]
        for body in bodies {
            await expectError(.malformedTrailerError) {
                try await decode(
                    Array(body.utf8), mode: .unsigned, decodedLength: 0, expectsTrailer: true,
                    trailerNames: ["x-amz-checksum-crc32"])
            }
        }
        // Truncated inside the trailer, or before it.
        for body in ["0\r\nx-amz-checksum-crc32:AAAA", "0\r\n", "0"] {
            await expectError(.incompleteBody) {
                try await decode(
                    Array(body.utf8), mode: .unsigned, decodedLength: 0, expectsTrailer: true,
                    trailerNames: ["x-amz-checksum-crc32"])
            }
        }
    }

    @Test func trailerWhenNoneIsExpected() async {
        await expectError(.incompleteBody) {
            try await decode(
                Array(Self.unsignedTrailerBody.utf8), mode: .unsigned, decodedLength: 5, expectsTrailer: false,
                trailerNames: ["x-amz-checksum-crc32"])
        }
    }

    @Test func unsignedPayloadIsPassedOnAsItArrives() async throws {
        let body = Array("a\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n".utf8)
        let decoder = AWSChunkedDecoder(
            base: Pieces(body, split: .oneByte), mode: .unsigned, decodedLength: 10, expectsTrailer: true,
            trailerNames: ["x-amz-checksum-crc32"], trailerSink: AWSChunkedTrailerSink())
        var sizes: [Int] = []
        for try await buffer in decoder {
            sizes.append(buffer.readableBytes)
        }
        #expect(sizes == Array(repeating: 1, count: 10))
    }

    // MARK: Signed payload with a signed trailer

    /// AWS's trailing-headers example: the same 66560 bytes, then `x-amz-checksum-crc32c:sOO8/Q==` and its signature.
    static func trailerExampleBody(blankLineBeforeTrailer: Bool = false) -> [UInt8] {
        chunk(65536, "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2")
            + chunk(1024, "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7")
            + chunk(0, "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992")
            + Array((blankLineBeforeTrailer ? "\r\n" : "").utf8)
            + Array("x-amz-checksum-crc32c:sOO8/Q==\r\n".utf8)
            + Array("x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n".utf8)
            + Array("\r\n".utf8)
    }

    @Test(arguments: [false, true], Split.allCases)
    func awsTrailerExample(blankLineBeforeTrailer: Bool, split: Split) async throws {
        let body = Self.trailerExampleBody(blankLineBeforeTrailer: blankLineBeforeTrailer)
        if !blankLineBeforeTrailer {
            #expect(body.count == 66946)  // the example's Content-Length
        }
        let (payload, trailers) = try await decode(
            body, mode: Self.exampleMode(seed: Self.trailerExampleSeed), decodedLength: 66560, expectsTrailer: true,
            trailerNames: ["x-amz-checksum-crc32c"], split: split)
        #expect(payload.count == 66560)
        #expect(payload.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(trailers == ["x-amz-checksum-crc32c": "sOO8/Q=="])
    }

    @Test(arguments: Split.allCases)
    func signedTrailer(split: Split) async throws {
        let payload = Self.randomBytes(count: 20_000, seed: 7)
        let signer = TestSigner(seed: Self.trailerExampleSeed)
        let body = signer.body(
            payload, chunkSizes: [8192, 8192, 3616], trailers: [("x-amz-checksum-sha256", "aGVsbG8gd29ybGQ=")])
        let (decoded, trailers) = try await decode(
            body, mode: Self.exampleMode(seed: Self.trailerExampleSeed), decodedLength: 20_000, expectsTrailer: true,
            trailerNames: ["x-amz-checksum-sha256"], split: split)
        #expect(decoded == payload)
        #expect(trailers == ["x-amz-checksum-sha256": "aGVsbG8gd29ybGQ="])
    }

    @Test func signedTrailerTampered() async {
        let signer = TestSigner(seed: Self.exampleSeed)
        let payload = Array("hello".utf8)
        func run(_ body: [UInt8]) async throws {
            _ = try await decode(
                body, mode: Self.exampleMode(), decodedLength: 5, expectsTrailer: true,
                trailerNames: ["x-amz-checksum-crc32"])
        }
        let good = signer.body(payload, chunkSizes: [5], trailers: [("x-amz-checksum-crc32", "NhCmhg==")])
        await #expect(throws: Never.self) { try await run(good) }

        func replacing(_ old: String, _ new: String) -> [UInt8] {
            let text = String(decoding: good, as: UTF8.self)
            #expect(text.contains(old))
            return Array(text.replacingOccurrences(of: old, with: new).utf8)
        }
        // A different trailer value, a different signature, no signature at all.
        await expectError(.signatureDoesNotMatch) { try await run(replacing("NhCmhg==", "NhCmhw==")) }
        let signature = signer.trailerSignature(
            previous: signer.chunkSignatures(for: payload, chunkSizes: [5]).last!,
            trailers: [("x-amz-checksum-crc32", "NhCmhg==")])
        await expectError(.signatureDoesNotMatch) {
            try await run(replacing(signature, String(signature.reversed())))
        }
        await expectError(.signatureDoesNotMatch) {
            try await run(replacing("x-amz-trailer-signature:\(signature)\r\n", ""))
        }
        // A header after the signature, or one that was not announced.
        await expectError(.malformedTrailerError) {
            try await run(replacing("\(signature)\r\n", "\(signature)\r\nx-amz-meta-a:b\r\n"))
        }
        await expectError(.malformedTrailerError) {
            try await run(replacing("x-amz-checksum-crc32:", "x-amz-checksum-crc32c:"))
        }
    }

    // MARK: Re-chunking

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func rechunkingGivesTheSameResult(seed: UInt64) async throws {
        var generator = SeededGenerator(seed: seed)
        let count = Int.random(in: 0...40_000, using: &generator)
        let payload = Self.randomBytes(count: count, seed: seed)
        var chunkSizes: [Int] = []
        var left = count
        while left > 0 {
            let size = min(left, [1, 100, 8192, 20_000].randomElement(using: &generator)!)
            chunkSizes.append(size)
            left -= size
        }
        let signer = TestSigner(seed: Self.exampleSeed)
        let signed = signer.body(payload, chunkSizes: chunkSizes, trailers: nil)
        let trailers = [("x-amz-checksum-crc32", "AAAAAA==")]
        let signedTrailer = signer.body(payload, chunkSizes: chunkSizes, trailers: trailers)
        let unsigned = TestSigner.unsignedBody(payload, chunkSizes: chunkSizes, trailers: trailers)
        for split in Split.allCases {
            let one = try await decode(signed, mode: Self.exampleMode(), decodedLength: Int64(count), split: split)
            #expect(one.payload == payload, "signed, \(split)")
            let two = try await decode(
                signedTrailer, mode: Self.exampleMode(), decodedLength: Int64(count), expectsTrailer: true,
                trailerNames: ["x-amz-checksum-crc32"], split: split)
            #expect(two.payload == payload, "signed with trailer, \(split)")
            #expect(two.trailers == ["x-amz-checksum-crc32": "AAAAAA=="])
            let three = try await decode(
                unsigned, mode: .unsigned, decodedLength: Int64(count), expectsTrailer: true,
                trailerNames: ["x-amz-checksum-crc32"], split: split)
            #expect(three.payload == payload, "unsigned, \(split)")
            #expect(three.trailers == ["x-amz-checksum-crc32": "AAAAAA=="])
        }
    }

    @Test func signedChunksAreYieldedWholeAndNeverMoreThanOne() async throws {
        let payload = Self.randomBytes(count: 30_000, seed: 11)
        let sizes = [10_000, 10_000, 10_000]
        let body = TestSigner(seed: Self.exampleSeed).body(payload, chunkSizes: sizes, trailers: nil)
        for split in Split.allCases {
            let decoder = AWSChunkedDecoder(
                base: Pieces(body, split: split), mode: Self.exampleMode(), decodedLength: 30_000,
                expectsTrailer: false, trailerNames: [], trailerSink: AWSChunkedTrailerSink())
            var yielded: [Int] = []
            for try await buffer in decoder {
                yielded.append(buffer.readableBytes)
            }
            #expect(yielded == sizes, "\(split)")
        }
    }

    @Test func trailerSinkIsFilledOnlyAtTheEnd() async throws {
        let sink = AWSChunkedTrailerSink()
        let decoder = AWSChunkedDecoder(
            base: Pieces(Array(Self.unsignedTrailerBody.utf8), split: .oneByte), mode: .unsigned, decodedLength: 5,
            expectsTrailer: true, trailerNames: ["x-amz-checksum-crc32"], trailerSink: sink)
        var iterator = decoder.makeAsyncIterator()
        #expect(try await iterator.next() != nil)
        #expect(sink.trailers.isEmpty)
        while try await iterator.next() != nil {}
        #expect(sink.trailers == ["x-amz-checksum-crc32": "NhCmhg=="])
        #expect(try await iterator.next() == nil)
    }

    // MARK: Mode

    @Test func modeFromAuthorization() {
        func auth(_ payloadHash: String) -> SigV4Authorization {
            SigV4Authorization(
                accessKeyId: "AKIAIOSFODNN7EXAMPLE", date: "20130524", region: "us-east-1", service: "s3",
                signedHeaders: ["host"], signature: Self.exampleSeed, amzDate: Self.amzDate, payloadHash: payloadHash,
                isPresigned: false)
        }
        guard
            case .signed(_, let amzDate, let scope, let seed)? = AWSChunkedMode(
                authorization: auth("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), secretKey: Self.secretKey)
        else {
            Issue.record("expected a signed mode")
            return
        }
        #expect(amzDate == Self.amzDate && scope == Self.scope && seed == Self.exampleSeed)
        guard case .unsigned? = AWSChunkedMode(authorization: auth("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), secretKey: "")
        else {
            Issue.record("expected the unsigned mode")
            return
        }
        #expect(AWSChunkedMode(authorization: auth("UNSIGNED-PAYLOAD"), secretKey: "") == nil)
        #expect(AWSChunkedMode(authorization: auth("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"), secretKey: "") == nil)
        #expect(AWSChunkedMode.expectsTrailer(payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"))
        #expect(AWSChunkedMode.expectsTrailer(payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"))
        #expect(!AWSChunkedMode.expectsTrailer(payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
    }

    // MARK: Helpers

    /// Decodes `body` cut as `split`, returning the payload and the trailers.
    func decode(
        _ body: [UInt8], mode: AWSChunkedMode, decodedLength: Int64, expectsTrailer: Bool = false,
        trailerNames: [String] = [], split: Split = .whole
    ) async throws -> (payload: [UInt8], trailers: [String: String]) {
        let sink = AWSChunkedTrailerSink()
        let decoder = AWSChunkedDecoder(
            base: Pieces(body, split: split), mode: mode, decodedLength: decodedLength,
            expectsTrailer: expectsTrailer, trailerNames: trailerNames, trailerSink: sink)
        var payload: [UInt8] = []
        for try await buffer in decoder {
            #expect(buffer.readableBytes > 0)
            payload += buffer.readableBytesView
        }
        return (payload, sink.trailers)
    }

    func expectError(
        _ code: S3Error.Code, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Any
    ) async {
        let error = await #expect(throws: S3Error.self, sourceLocation: sourceLocation) { _ = try await body() }
        #expect(error?.code == code, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    }

    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

// MARK: - Test support

/// Signs `aws-chunked` bodies from the formulas of the AWS documentation, with Crypto's HMAC directly (not with the
/// gateway's `SigV4`), so that the decoder is checked against an independent implementation.
private struct TestSigner {
    let key: SymmetricKey
    let seed: String

    init(seed: String) {
        var key = SymmetricKey(data: Array("AWS4\(AWSChunkedDecoderTests.secretKey)".utf8))
        for part in ["20130524", "us-east-1", "s3", "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        self.key = key
        self.seed = seed
    }

    func hmacHex(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    /// The signature of each chunk, the final empty one included.
    func chunkSignatures(for payload: [UInt8], chunkSizes: [Int]) -> [String] {
        var previous = seed
        var signatures: [String] = []
        var offset = 0
        for size in chunkSizes + [0] {
            let data = payload[offset..<offset + size]
            offset += size
            previous = hmacHex(
                "AWS4-HMAC-SHA256-PAYLOAD\n\(AWSChunkedDecoderTests.amzDate)\n\(AWSChunkedDecoderTests.scope)\n"
                    + "\(previous)\n\(Self.sha256Hex([]))\n\(Self.sha256Hex(data))")
            signatures.append(previous)
        }
        return signatures
    }

    func trailerSignature(previous: String, trailers: [(String, String)]) -> String {
        let canonical = trailers.map { "\($0.0):\($0.1)\n" }.joined()
        return hmacHex(
            "AWS4-HMAC-SHA256-TRAILER\n\(AWSChunkedDecoderTests.amzDate)\n\(AWSChunkedDecoderTests.scope)\n"
                + "\(previous)\n\(Self.sha256Hex(Array(canonical.utf8)))")
    }

    /// A signed body; with `trailers`, a signed trailer follows the final chunk.
    func body(_ payload: [UInt8], chunkSizes: [Int], trailers: [(String, String)]?) -> [UInt8] {
        let signatures = chunkSignatures(for: payload, chunkSizes: chunkSizes)
        var body: [UInt8] = []
        var offset = 0
        for (size, signature) in zip(chunkSizes + [0], signatures) {
            body += Array("\(String(size, radix: 16));chunk-signature=\(signature)\r\n".utf8)
            if size > 0 {
                body += payload[offset..<offset + size] + Array("\r\n".utf8)
            }
            offset += size
        }
        if let trailers {
            for (name, value) in trailers {
                body += Array("\(name):\(value)\r\n".utf8)
            }
            let signature = trailerSignature(previous: signatures.last!, trailers: trailers)
            body += Array("x-amz-trailer-signature:\(signature)\r\n".utf8)
        }
        return body + Array("\r\n".utf8)
    }

    /// An unsigned body (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    static func unsignedBody(_ payload: [UInt8], chunkSizes: [Int], trailers: [(String, String)]) -> [UInt8] {
        var body: [UInt8] = []
        var offset = 0
        for size in chunkSizes {
            body += Array("\(String(size, radix: 16))\r\n".utf8) + payload[offset..<offset + size] + Array("\r\n".utf8)
            offset += size
        }
        body += Array("0\r\n".utf8)
        for (name, value) in trailers {
            body += Array("\(name):\(value)\r\n".utf8)
        }
        return body + Array("\r\n".utf8)
    }
}

/// A body cut into buffers: whole, byte by byte, 7 bytes at a time or at random points (seeded).
private struct Pieces: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffers: [ByteBuffer]

    init(_ bytes: [UInt8], split: AWSChunkedDecoderTests.Split) {
        var generator = SeededGenerator(seed: UInt64(bytes.count))
        var buffers: [ByteBuffer] = []
        var offset = 0
        while offset < bytes.count {
            let size =
                switch split {
                case .whole: bytes.count
                case .oneByte: 1
                case .sevenBytes: 7
                case .random: Int.random(in: 1...20_000, using: &generator)
                }
            let end = Swift.min(bytes.count, offset + size)
            buffers.append(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        self.buffers = buffers
    }

    func makeAsyncIterator() -> Iterator { Iterator(buffers: buffers[...]) }

    struct Iterator: AsyncIteratorProtocol {
        var buffers: ArraySlice<ByteBuffer>
        mutating func next() async throws -> ByteBuffer? { buffers.popFirst() }
    }
}

/// Yields `prefix`, then fails with `error`.
private struct FailingSequence<Failure: Error & Sendable>: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let prefix: ByteBuffer
    let error: Failure

    func makeAsyncIterator() -> Iterator { Iterator(prefix: prefix, error: error) }

    struct Iterator: AsyncIteratorProtocol {
        var prefix: ByteBuffer?
        let error: Failure
        mutating func next() async throws -> ByteBuffer? {
            if let buffer = prefix {
                prefix = nil
                return buffer
            }
            throw error
        }
    }
}
