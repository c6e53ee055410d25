import KSANErasure
import KSANMetadata
import NIOCore

/// Reconstruction of lost shards with ISA-L, for reads and repair.
extension DataPlane {
    /// Re-creates the shards at `indices` of one stripe from its intact ones (the non-nil entries of `shards`): a
    /// copy of one for a replicated pool, else reconstructed with ISA-L. For repair (a shard missing or corrupt on
    /// its disk) and relocation (a shard moving to another disk). The caller has checked that enough are intact.
    func rebuild(_ shards: inout [ByteBuffer?], at indices: [Int], layout: DataLayout, length: Int) throws {
        guard !indices.isEmpty else { return }
        if layout.replicated {
            guard let copy = shards.compactMap({ $0 }).first else {
                throw DataError(.unavailable, "no intact copy of the stripe")
            }
            for index in indices { shards[index] = copy }
            return
        }
        let buffer = try reconstruct(shards, layout: layout, length: length)
        for index in indices {
            shards[index] = buffer.getSlice(at: buffer.readerIndex + index * length, length: length)
        }
    }

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
