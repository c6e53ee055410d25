import NIOCore

/// A request body that arrives in the given pieces, for driving the body parsers without a connection (fuzz
/// targets and tests).
package struct PiecewiseBody: AsyncSequence, Sendable {
    package typealias Element = ByteBuffer
    /// The pieces, in order.
    package let pieces: [[UInt8]]

    /// A body of these pieces.
    package init(pieces: [[UInt8]]) {
        self.pieces = pieces
    }

    package func makeAsyncIterator() -> Iterator { Iterator(pieces: pieces) }

    /// Hands out the pieces one by one.
    package struct Iterator: AsyncIteratorProtocol {
        var pieces: [[UInt8]]
        var index = 0

        package mutating func next() async throws -> ByteBuffer? {
            guard index < pieces.count else { return nil }
            defer { index += 1 }
            return ByteBuffer(bytes: pieces[index])
        }
    }
}
