import Crypto
import KSANCore
import NIOCore

extension S3Error.Code {
    /// S3's 400 for trailing headers that are malformed or not announced in `x-amz-trailer`.
    static let malformedTrailerError = S3Error.Code("MalformedTrailerError", .badRequest)
}

/// The `aws-chunked` framing as a state machine without I/O: buffers go in with ``append(_:)`` and
/// ``finishInput()``, and ``next()`` answers what comes out (verified payload, a request for more input, or the end
/// with its trailers).
///
/// The wire format (AWS "Transferring Payload in Multiple Chunks" and "Including Trailing Headers"):
///
///     hex-size[;chunk-signature=<64 hex>]\r\n <data> \r\n      (repeated)
///     0[;chunk-signature=<64 hex>]\r\n                           (final chunk)
///     name:value\r\n ... [x-amz-trailer-signature:<64 hex>\r\n] (trailer, when announced)
///     \r\n
///
/// Signed chunks are held until their signature is checked, so at most one chunk (at most ``maxChunkSize`` bytes)
/// is buffered; unsigned chunk data is passed on as it arrives, without copying. Truncated or malformed framing
/// is `IncompleteBody`, a bad chunk or trailer signature `SignatureDoesNotMatch`, a bad trailer
/// `MalformedTrailerError`.
///
/// Leniency, for the clients and documentation examples seen in the wild: trailer lines may end with LF or with
/// `\n\r\n`; one empty line between the final chunk and the trailer is skipped; the empty line that ends a
/// non-empty trailer may be missing at the end of the body.
struct AWSChunkedParser {
    /// What the parser produced.
    enum Event: Equatable {
        /// Decoded payload bytes, verified when the mode is signed. Never empty.
        case payload(ByteBuffer)
        /// Every buffered byte is consumed: call ``append(_:)`` or ``finishInput()``.
        case needInput
        /// The body is complete and verified; the trailers (empty without a trailer).
        case finished([String: String])
    }

    /// The largest chunk accepted (clients use 8 KiB to a few MiB).
    static let maxChunkSize = 16 * 1024 * 1024
    /// The longest chunk header or trailer line.
    static let maxLineLength = 4096
    /// The most trailer bytes accepted in all.
    static let maxTrailerLength = 16 * 1024

    private enum State {
        /// Reading a `hex-size[;chunk-signature=...]` line.
        case chunkHeader
        /// Reading chunk data.
        case chunkData(remaining: Int)
        /// Expecting the `\r` after the chunk data.
        case chunkDataCR
        /// Expecting the `\n` after the chunk data.
        case chunkDataLF
        /// Reading trailer lines after the final chunk, up to the empty line.
        case trailer
        /// Everything was read; only the end of input may follow.
        case end
        /// The end was reported.
        case finished
    }

    private struct Signing {
        let key: SymmetricKey
        let amzDate: String
        let scope: String
        var previousSignature: String
    }

    private let decodedLength: Int64
    private let expectsTrailer: Bool
    private let trailerNames: Set<String>
    private var signing: Signing?

    private var state = State.chunkHeader
    private var input = ByteBuffer()
    private var inputEnded = false
    /// The start of a line whose end has not arrived yet.
    private var partialLine = ByteBuffer()
    private var decoded: Int64 = 0

    // The signed chunk being read.
    private var chunkSize = 0
    private var chunkSignature = ""
    private var chunkHasher = SHA256()
    private var chunkBuffer: ByteBuffer?
    private var verifiedPayload: ByteBuffer?

    // The trailer being read.
    private var trailers: [String: String] = [:]
    private var canonicalTrailers = ""
    private var trailerSignature: String?
    private var trailerLength = 0
    private var trailerLineCount = 0
    private var previousLineEndedWithBareLF = false

    /// Creates a parser.
    ///
    /// - Parameters:
    ///   - mode: How chunks are signed.
    ///   - decodedLength: `x-amz-decoded-content-length`, the payload size the chunks must add up to.
    ///   - expectsTrailer: Whether trailing headers follow the final chunk (`...-TRAILER` payload markers).
    ///   - trailerNames: The names announced in `x-amz-trailer`; any other trailing header is refused.
    init(mode: AWSChunkedMode, decodedLength: Int64, expectsTrailer: Bool, trailerNames: [String]) {
        self.decodedLength = decodedLength
        self.expectsTrailer = expectsTrailer
        self.trailerNames = Set(trailerNames.map { Self.trimmed(Substring($0)).lowercased() })
        switch mode {
        case .signed(let key, let amzDate, let scope, let seedSignature):
            signing = Signing(key: key, amzDate: amzDate, scope: scope, previousSignature: seedSignature.lowercased())
        case .unsigned:
            signing = nil
        }
    }

    /// Adds bytes received from the client.
    mutating func append(_ buffer: ByteBuffer) {
        if input.readableBytes == 0 {
            input = buffer
        } else {
            var buffer = buffer
            input.writeBuffer(&buffer)
        }
    }

    /// Records that the client's body ended.
    mutating func finishInput() {
        inputEnded = true
    }

    /// Consumes buffered bytes up to the next event.
    mutating func next() throws(S3Error) -> Event {
        while true {
            if let payload = verifiedPayload {
                verifiedPayload = nil
                return .payload(payload)
            }
            switch state {
            case .chunkHeader:
                guard let (line, crlf) = try readLine() else { return try starved() }
                try beginChunk(line, crlf: crlf)

            case .chunkData(let remaining):
                guard input.readableBytes > 0 else { return try starved() }
                let count = min(remaining, input.readableBytes)
                let piece = input.readSlice(length: count)!
                decoded += Int64(count)
                state = count == remaining ? .chunkDataCR : .chunkData(remaining: remaining - count)
                if signing == nil {
                    return .payload(piece)
                }
                collectSignedPiece(piece, last: count == remaining)

            case .chunkDataCR, .chunkDataLF:
                guard let byte = input.readInteger(as: UInt8.self) else { return try starved() }
                if case .chunkDataCR = state {
                    guard byte == UInt8(ascii: "\r") else { throw Self.malformed("chunk data longer than its size") }
                    state = .chunkDataLF
                } else {
                    guard byte == UInt8(ascii: "\n") else { throw Self.malformed("chunk data longer than its size") }
                    state = .chunkHeader
                    if signing != nil {
                        try verifyChunk()
                    }
                }

            case .trailer:
                guard let (line, crlf) = try readLine() else {
                    if inputEnded, partialLine.readableBytes == 0, trailerLineCount > 0 {
                        // The empty line that ends the trailer is missing at the end of the body.
                        try finishTrailer()
                        continue
                    }
                    return try starved()
                }
                try readTrailerLine(line, crlf: crlf)

            case .end:
                guard input.readableBytes == 0 else { throw Self.malformed("data after the end of the body") }
                guard inputEnded else { return .needInput }
                state = .finished
                return .finished(trailers)

            case .finished:
                return .finished(trailers)
            }
        }
    }

    // MARK: Chunks

    /// Parses `hex-size[;chunk-signature=<64 hex>]` and prepares for the data.
    private mutating func beginChunk(_ line: ByteBuffer, crlf: Bool) throws(S3Error) {
        guard crlf else { throw Self.malformed("chunk header not ended by CRLF") }
        let bytes = line.readableBytesView
        let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        let sizeDigits = bytes[bytes.startIndex..<semicolon]
        guard !sizeDigits.isEmpty else { throw Self.malformed("chunk size missing") }
        var size = 0
        for digit in sizeDigits {
            guard let value = Hex.digitValue(digit) else { throw Self.malformed("chunk size is not hexadecimal") }
            size = size << 4 | Int(value)
            guard size <= Self.maxChunkSize else {
                throw S3Error(.invalidRequest, "An aws-chunked chunk may hold at most \(Self.maxChunkSize) bytes.")
            }
        }
        if signing != nil {
            let prefix = ";chunk-signature="
            let extensionText = String(decoding: bytes[semicolon...], as: UTF8.self)
            let signature = extensionText.dropFirst(prefix.utf8.count)
            guard extensionText.hasPrefix(prefix), SigV4Encoding.isHex(String(signature), count: 64) else {
                throw Self.malformed("chunk signature missing or malformed")
            }
            chunkSignature = signature.lowercased()
        }
        // Unsigned chunks may carry other chunk extensions (RFC 9112); they mean nothing here.
        guard Int64(size) <= decodedLength - decoded else {
            throw S3Error(.incompleteBody, "The aws-chunked body holds more than x-amz-decoded-content-length bytes.")
        }
        chunkSize = size
        if size > 0 {
            chunkHasher = SHA256()
            chunkBuffer = nil
            state = .chunkData(remaining: size)
            return
        }
        if signing != nil {
            try verifyChunk()
        }
        guard decoded == decodedLength else {
            throw S3Error(.incompleteBody, "The aws-chunked body holds fewer than x-amz-decoded-content-length bytes.")
        }
        state = .trailer
    }

    /// Hashes a piece of signed chunk data and keeps it until the signature is checked.
    private mutating func collectSignedPiece(_ piece: ByteBuffer, last: Bool) {
        piece.withUnsafeReadableBytes { chunkHasher.update(bufferPointer: $0) }
        if last, chunkBuffer == nil {
            // The whole chunk arrived in one buffer: keep the slice, no copy.
            chunkBuffer = piece
            return
        }
        if chunkBuffer == nil {
            chunkBuffer = ByteBufferAllocator().buffer(capacity: chunkSize)
        }
        chunkBuffer!.writeImmutableBuffer(piece)
    }

    /// Checks the signature of the chunk just read and releases its data.
    private mutating func verifyChunk() throws(S3Error) {
        guard var signing else { return }
        let dataHash = chunkSize == 0 ? SigV4.emptyPayloadHash : Hex.encode(chunkHasher.finalize())
        let stringToSign = [
            "AWS4-HMAC-SHA256-PAYLOAD", signing.amzDate, signing.scope, signing.previousSignature,
            SigV4.emptyPayloadHash, dataHash,
        ].joined(separator: "\n")
        let expected = SigV4.signature(stringToSign: stringToSign, signingKey: signing.key)
        guard SigV4.constantTimeEqual(expected, chunkSignature) else {
            throw S3Error(.signatureDoesNotMatch)
        }
        signing.previousSignature = expected
        self.signing = signing
        if let buffer = chunkBuffer, buffer.readableBytes > 0 {
            verifiedPayload = buffer
        }
        chunkBuffer = nil
    }

    // MARK: Trailer

    /// Handles one line after the final chunk.
    private mutating func readTrailerLine(_ line: ByteBuffer, crlf: Bool) throws(S3Error) {
        trailerLength += line.readableBytes + 2
        guard trailerLength <= Self.maxTrailerLength else {
            throw S3Error(.malformedTrailerError, "The trailing headers are too large.")
        }
        guard expectsTrailer || crlf else { throw Self.malformed("final chunk not ended by CRLF") }
        defer { previousLineEndedWithBareLF = !crlf }
        if line.readableBytes == 0 {
            if crlf, previousLineEndedWithBareLF {
                // The CRLF of a `value\n\r\n` line end.
                return
            }
            if expectsTrailer, trailerLineCount == 0 {
                // An empty line between the final chunk and the trailer, as laid out in AWS's example.
                trailerLineCount += 1
                return
            }
            try finishTrailer()
            return
        }
        guard expectsTrailer else { throw Self.malformed("data after the final chunk") }
        trailerLineCount += 1
        let text = String(decoding: line.readableBytesView, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else {
            throw S3Error(.malformedTrailerError, "A trailing header is not of the form name:value.")
        }
        let name = Self.trimmed(text[..<colon]).lowercased()
        let value = Self.trimmed(text[text.index(after: colon)...])
        guard !name.isEmpty else {
            throw S3Error(.malformedTrailerError, "A trailing header has no name.")
        }
        guard trailerSignature == nil else {
            throw S3Error(.malformedTrailerError, "x-amz-trailer-signature must be the last trailing header.")
        }
        if signing != nil, name == "x-amz-trailer-signature" {
            guard SigV4Encoding.isHex(value, count: 64) else {
                throw S3Error(.malformedTrailerError, "x-amz-trailer-signature must be 64 hexadecimal characters.")
            }
            trailerSignature = value.lowercased()
            return
        }
        guard trailerNames.contains(name) else {
            throw S3Error(.malformedTrailerError, "The trailing header \(name) was not announced in x-amz-trailer.")
        }
        guard trailers[name] == nil else {
            throw S3Error(.malformedTrailerError, "The trailing header \(name) appears twice.")
        }
        trailers[name] = value
        canonicalTrailers += name + ":" + value + "\n"
    }

    /// Checks the trailer signature, if any, once the trailer is complete.
    private mutating func finishTrailer() throws(S3Error) {
        if let signing, expectsTrailer {
            guard let trailerSignature else {
                throw S3Error(.signatureDoesNotMatch, "The trailing headers carry no x-amz-trailer-signature.")
            }
            let stringToSign = [
                "AWS4-HMAC-SHA256-TRAILER", signing.amzDate, signing.scope, signing.previousSignature,
                Hex.encode(SHA256.hash(data: Array(canonicalTrailers.utf8))),
            ].joined(separator: "\n")
            let expected = SigV4.signature(stringToSign: stringToSign, signingKey: signing.key)
            guard SigV4.constantTimeEqual(expected, trailerSignature) else {
                throw S3Error(.signatureDoesNotMatch)
            }
        }
        state = .end
    }

    // MARK: Bytes

    /// The next line without its line end, and whether that end was CRLF (rather than a bare LF); nil when no line
    /// end is buffered yet (the bytes so far are kept).
    private mutating func readLine() throws(S3Error) -> (ByteBuffer, Bool)? {
        guard let newline = input.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard partialLine.readableBytes + input.readableBytes <= Self.maxLineLength else {
                throw Self.malformed("line too long")
            }
            partialLine.writeBuffer(&input)
            return nil
        }
        let count = newline - input.readerIndex
        guard partialLine.readableBytes + count <= Self.maxLineLength else { throw Self.malformed("line too long") }
        var line = input.readSlice(length: count)!
        input.moveReaderIndex(forwardBy: 1)
        if partialLine.readableBytes > 0 {
            partialLine.writeBuffer(&line)
            line = partialLine
            partialLine = ByteBuffer()
        }
        let crlf = line.readableBytesView.last == UInt8(ascii: "\r")
        if crlf {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return (line, crlf)
    }

    /// `needInput`, or `IncompleteBody` when the body has ended.
    private func starved() throws(S3Error) -> Event {
        guard !inputEnded else {
            throw S3Error(.incompleteBody, "The aws-chunked body ended before its final chunk.")
        }
        return .needInput
    }

    private static func malformed(_ detail: String) -> S3Error {
        S3Error(.incompleteBody, "Malformed aws-chunked body: \(detail).")
    }

    private static func trimmed(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = {
            $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n"
        }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}
