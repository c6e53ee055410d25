import Foundation
import KSANMetadata
import NIOCore

/// The bytes of a range of an object version, read stripe by stripe with the next stripe prefetched.
///
/// Pull-based: a stripe is read only when the consumer asks for the one before it, so a slow client never
/// makes the gateway buffer more than two stripes.
public struct ObjectByteSequence: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// One contiguous piece of output: a slice of a stripe or of inline data.
    struct Piece: Sendable {
        var segment: Int
        var stripe: Int
        var offset: Int
        var length: Int
    }

    let version: ObjectVersion
    let pieces: [Piece]
    let data: DataPlane
    let topology: Topology
    /// Damage this read reported already.
    let reports = DamageReports()

    /// The bytes `range` (half-open, within the object's size) of a version.
    public init(version: ObjectVersion, range: Range<Int64>, data: DataPlane, topology: Topology) {
        self.version = version
        self.data = data
        self.topology = topology
        var pieces: [Piece] = []
        var segmentStart: Int64 = 0
        for (index, segment) in version.segments.enumerated() {
            let segmentEnd = segmentStart + segment.size
            defer { segmentStart = segmentEnd }
            let lower = Swift.max(range.lowerBound, segmentStart)
            let upper = Swift.min(range.upperBound, segmentEnd)
            guard lower < upper else { continue }
            guard let layout = segment.layout else {
                pieces.append(
                    Piece(segment: index, stripe: -1, offset: Int(lower - segmentStart), length: Int(upper - lower)))
                continue
            }
            let stripeSize = Int64(layout.geometry.stripeSize)
            var position = lower - segmentStart
            while position < upper - segmentStart {
                let stripe = position / stripeSize
                let stripeEnd = Swift.min((stripe + 1) * stripeSize, upper - segmentStart)
                pieces.append(
                    Piece(
                        segment: index, stripe: Int(stripe), offset: Int(position - stripe * stripeSize),
                        length: Int(stripeEnd - position)))
                position = stripeEnd
            }
        }
        self.pieces = pieces
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self)
    }

    func load(_ piece: Piece) async throws -> ByteBuffer {
        let segment = version.segments[piece.segment]
        guard let layout = segment.layout else {
            let inline = segment.inline ?? Data()
            return ByteBuffer(
                bytes: inline[inline.startIndex + piece.offset..<inline.startIndex + piece.offset + piece.length])
        }
        let stripe = try await data.readStripe(layout, index: piece.stripe, topology: topology, reports: reports)
        guard let slice = stripe.getSlice(at: stripe.readerIndex + piece.offset, length: piece.length) else {
            throw DataError(.inconsistent, "stripe shorter than its layout")
        }
        return slice
    }

    /// Iterates the pieces, keeping one read ahead.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: ObjectByteSequence
        var index = 0
        var ahead: Task<ByteBuffer, any Error>?

        public mutating func next() async throws -> ByteBuffer? {
            guard index < sequence.pieces.count else { return nil }
            let sequence = self.sequence
            let piece = sequence.pieces[index]
            let current = ahead ?? Task { try await sequence.load(piece) }
            index += 1
            if index < sequence.pieces.count {
                let next = sequence.pieces[index]
                ahead = Task { try await sequence.load(next) }
            } else {
                ahead = nil
            }
            let pending = ahead
            return try await withTaskCancellationHandler {
                try await current.value
            } onCancel: {
                current.cancel()
                pending?.cancel()
            }
        }
    }
}
