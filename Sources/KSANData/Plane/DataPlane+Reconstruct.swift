import KSANErasure
import KSANMetadata
import NIOCore

/// Reconstruction of lost shards with ISA-L, for reads and repair.
extension DataPlane {
    /// The whole stripe, data then parity shards, `length` bytes each, with the nil (lost) shards reconstructed by
    /// ISA-L from the others; at most `m` may be nil.
    func reconstruct(_ shards: [ByteBuffer?], layout: DataLayout, length: Int) throws -> ByteBuffer {
        let width = shards.count
        let lost = (0..<width).filter { shards[$0] == nil }
        let coder = try ErasureCoder(dataShards: layout.dataShards, parityShards: layout.parityShards)
        var buffer = ByteBufferAllocator().buffer(capacity: width * length)
        for shard in 0..<width {
            if let bytes = shards[shard] {
                buffer.writeImmutableBuffer(bytes)
            } else {
                buffer.writeRepeatingByte(0, count: length)
            }
        }
        try buffer.withUnsafeMutableReadableBytes { raw in
            try coder.reconstruct(
                shards: (0..<width).map { raw.baseAddress! + $0 * length }, length: length, lost: lost)
        }
        return buffer
    }
}
