import NIOCore

/// A request body that counts the bytes read into ``S3Metrics/received``.
struct CountingRequestBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base

    func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            let buffer = try await base.next()
            if let buffer { S3Metrics.received.increment(by: buffer.readableBytes) }
            return buffer
        }
    }
}
