import NIOCore

/// A request body whose transport failures (the client closed the connection, the stream ended before
/// Content-Length bytes) surface as S3's `IncompleteBody` instead of an internal error.
struct RequestBodyStream<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base

    func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await base.next()
            } catch let error as S3Error {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw S3Error(.incompleteBody)
            }
        }
    }
}
