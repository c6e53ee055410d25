import NIOConcurrencyHelpers

/// Receives the trailing headers of an `aws-chunked` body once the stream ends (after the trailer signature, if
/// any, is verified).
///
/// Create one per request, hand it to ``AWSChunkedDecoder``, and read ``trailers`` after the decoder has returned
/// nil. Until then, and when the body carried no trailer, it is empty.
public final class AWSChunkedTrailerSink: Sendable {
    private let box = NIOLockedValueBox<[String: String]>([:])

    /// Creates an empty sink.
    public init() {}

    /// The trailing headers, keyed by lower-case name (`x-amz-checksum-crc32` ...), values trimmed. The
    /// `x-amz-trailer-signature` line is not included.
    public var trailers: [String: String] {
        box.withLockedValue { $0 }
    }

    /// Stores the trailers of a fully decoded and verified body.
    func store(_ trailers: [String: String]) {
        box.withLockedValue { $0 = trailers }
    }
}
