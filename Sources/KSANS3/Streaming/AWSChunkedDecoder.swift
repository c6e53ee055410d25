import NIOCore

/// Decodes and verifies a SigV4 streaming upload (`Content-Encoding: aws-chunked`) as it is received: the elements
/// are the payload bytes only, never the framing.
///
/// Signed chunks (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) are checked against their chained signatures
/// before their bytes are passed on, so at most one chunk (at most 16 MiB) is held in memory; unsigned chunks
/// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) are passed on as they arrive. The sequence ends (returns nil) only after
/// the whole body has been read and found well-formed: the chunk sizes add up to `decodedLength`, the trailer, if
/// any, is verified and handed to the ``AWSChunkedTrailerSink``, and nothing follows.
///
/// Errors are ``S3Error``s: `SignatureDoesNotMatch` for a bad chunk or trailer signature, `IncompleteBody` for a
/// truncated or malformed body or a payload size other than `decodedLength`, `MalformedTrailerError` for a trailing
/// header that is malformed or not announced, `InvalidRequest` for a chunk over 16 MiB. Errors of the base sequence
/// are rethrown unchanged.
public struct AWSChunkedDecoder<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element == ByteBuffer {
    /// Decoded payload bytes.
    public typealias Element = ByteBuffer

    private let base: Base
    private let mode: AWSChunkedMode
    private let decodedLength: Int64
    private let expectsTrailer: Bool
    private let trailerNames: [String]
    private let trailerSink: AWSChunkedTrailerSink

    /// Creates a decoder over the raw request body.
    ///
    /// - Parameters:
    ///   - base: The request body as received, framing included.
    ///   - mode: How the chunks are signed.
    ///   - decodedLength: `x-amz-decoded-content-length`, the number of payload bytes the chunks must hold.
    ///   - expectsTrailer: Whether trailing headers follow the final chunk (the `...-TRAILER` payload markers).
    ///   - trailerNames: The header names announced in `x-amz-trailer`, lower-case; other trailing headers are refused.
    ///   - trailerSink: Receives the trailing headers once the body is complete and verified.
    public init(
        base: Base,
        mode: AWSChunkedMode,
        decodedLength: Int64,
        expectsTrailer: Bool,
        trailerNames: [String],
        trailerSink: AWSChunkedTrailerSink
    ) {
        self.base = base
        self.mode = mode
        self.decodedLength = decodedLength
        self.expectsTrailer = expectsTrailer
        self.trailerNames = trailerNames
        self.trailerSink = trailerSink
    }

    /// Creates an iterator that reads the base sequence.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            base: base.makeAsyncIterator(),
            parser: AWSChunkedParser(
                mode: mode, decodedLength: decodedLength, expectsTrailer: expectsTrailer, trailerNames: trailerNames),
            trailerSink: trailerSink)
    }

    /// Reads framed bytes from the base sequence and yields verified payload bytes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var base: Base.AsyncIterator
        private var parser: AWSChunkedParser
        private let trailerSink: AWSChunkedTrailerSink
        private var done = false

        init(base: Base.AsyncIterator, parser: AWSChunkedParser, trailerSink: AWSChunkedTrailerSink) {
            self.base = base
            self.parser = parser
            self.trailerSink = trailerSink
        }

        /// The next decoded bytes; nil once the body is complete and verified. After an error, nil.
        public mutating func next() async throws -> ByteBuffer? {
            guard !done else { return nil }
            do {
                while true {
                    switch try parser.next() {
                    case .payload(let buffer):
                        return buffer
                    case .needInput:
                        if let buffer = try await base.next() {
                            parser.append(buffer)
                        } else {
                            parser.finishInput()
                        }
                    case .finished(let trailers):
                        done = true
                        trailerSink.store(trailers)
                        return nil
                    }
                }
            } catch {
                done = true
                throw error
            }
        }
    }
}
