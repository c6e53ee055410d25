import NIOCore

/// The content of the `file` part of a POST Object form, as it is received: the elements are the file's bytes, and
/// the sequence ends at the delimiter that closes the part.
///
/// Made by ``MultipartFormParser/fileBytes()``; iterate it once. It holds back at most the delimiter's length of
/// bytes (which might start the delimiter) and throws `MalformedPOSTRequest` if the body ends before the delimiter.
/// Errors of the base sequence are rethrown unchanged.
public struct MultipartFileBytes<Base: AsyncSequence & Sendable>: AsyncSequence where Base.Element == ByteBuffer {
    /// Bytes of the file.
    public typealias Element = ByteBuffer

    private let iterator: Base.AsyncIterator
    private let buffer: ByteBuffer
    private let delimiter: [UInt8]
    private let isValid: Bool

    init(iterator: Base.AsyncIterator, buffer: ByteBuffer, delimiter: [UInt8], isValid: Bool) {
        self.iterator = iterator
        self.buffer = buffer
        self.delimiter = delimiter
        self.isValid = isValid
    }

    /// Creates an iterator that continues reading the body.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: iterator, buffer: buffer, delimiter: delimiter, failed: !isValid)
    }

    /// Yields the file's bytes up to the closing delimiter.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var base: Base.AsyncIterator
        private var buffer: ByteBuffer
        private let delimiter: [UInt8]
        private var finished = false
        private var failed: Bool

        init(base: Base.AsyncIterator, buffer: ByteBuffer, delimiter: [UInt8], failed: Bool) {
            self.base = base
            self.buffer = buffer
            self.delimiter = delimiter
            self.failed = failed
        }

        /// The next bytes of the file; nil once the closing delimiter is reached. After an error, nil.
        public mutating func next() async throws -> ByteBuffer? {
            guard !finished else {
                return nil
            }
            guard !failed else {
                finished = true
                throw S3Error.malformedPOST
            }
            do {
                while true {
                    if let offset = buffer.multipartOffset(of: delimiter) {
                        finished = true
                        return offset == 0 ? nil : buffer.readSlice(length: offset)
                    }
                    // Bytes that cannot start the delimiter are passed on; the rest waits for more input.
                    let safe = buffer.readableBytes - (delimiter.count - 1)
                    if safe > 0 {
                        return buffer.readSlice(length: safe)
                    }
                    guard let chunk = try await base.next() else {
                        throw S3Error.malformedPOST
                    }
                    buffer.appendMultipartChunk(chunk)
                }
            } catch {
                finished = true
                throw error
            }
        }
    }
}

extension MultipartFileBytes: Sendable where Base.AsyncIterator: Sendable {}
