import KSANErasure
import NIOCore

/// The on-disk format of a shard file: a header, then the data in blocks, each followed by its CRC-32C.
///
/// ```
/// header (24 bytes): magic "KSH1" | block size u32 | data length u64 | reserved u32 | CRC-32C of the first 20 bytes u32
/// then for each block of `block size` bytes (the last may be shorter): data | CRC-32C(data) u32
/// ```
/// All integers little-endian. A torn or rotten block fails its checksum on read and is reported, never returned.
public enum ShardFileFormat {
    /// "KSH1".
    static let magic: UInt32 = 0x3148_534b
    /// Header length.
    public static let headerSize = 24
    /// Bytes of data per checksummed block.
    public static let blockSize = 64 * 1024

    /// The file size for `dataLength` bytes of data.
    public static func fileSize(dataLength: Int) -> Int {
        headerSize + dataLength + 4 * ((dataLength + blockSize - 1) / blockSize)
    }

    /// Encodes shard data into the file format.
    public static func encode(_ data: ByteBuffer, allocator: ByteBufferAllocator = .init()) -> ByteBuffer {
        let length = data.readableBytes
        var out = allocator.buffer(capacity: fileSize(dataLength: length))
        out.writeInteger(magic, endianness: .little)
        out.writeInteger(UInt32(blockSize), endianness: .little)
        out.writeInteger(UInt64(length), endianness: .little)
        out.writeInteger(UInt32(0), endianness: .little)
        let headerCRC = out.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
        out.writeInteger(headerCRC, endianness: .little)
        var offset = data.readerIndex
        let end = data.readerIndex + length
        while offset < end {
            let count = min(blockSize, end - offset)
            let crc = data.withUnsafeReadableBytes { bytes in
                CRC32C.checksum(
                    UnsafeRawBufferPointer(
                        rebasing: bytes[(offset - data.readerIndex)..<(offset - data.readerIndex + count)]))
            }
            out.writeImmutableBuffer(data.getSlice(at: offset, length: count)!)
            out.writeInteger(crc, endianness: .little)
            offset += count
        }
        return out
    }

    /// Verifies every checksum of a shard file and returns its data.
    /// - Throws: ``StorageError`` `.corrupt` naming the first bad block.
    public static func decode(_ file: ByteBuffer, allocator: ByteBufferAllocator = .init()) throws -> ByteBuffer {
        var file = file
        guard file.readableBytes >= headerSize,
            let magic = file.getInteger(at: file.readerIndex, endianness: .little, as: UInt32.self),
            magic == Self.magic,
            let storedHeaderCRC = file.getInteger(at: file.readerIndex + 20, endianness: .little, as: UInt32.self)
        else { throw StorageError(.corrupt, "bad shard header") }
        let headerCRC = file.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
        guard headerCRC == storedHeaderCRC else { throw StorageError(.corrupt, "shard header checksum mismatch") }
        let block = Int(file.getInteger(at: file.readerIndex + 4, endianness: .little, as: UInt32.self)!)
        let length = Int(file.getInteger(at: file.readerIndex + 8, endianness: .little, as: UInt64.self)!)
        guard block > 0, length >= 0,
            file.readableBytes == headerSize + length + 4 * ((length + block - 1) / block)
        else { throw StorageError(.corrupt, "shard length does not match its header") }
        file.moveReaderIndex(forwardBy: headerSize)
        var out = allocator.buffer(capacity: length)
        var remaining = length
        var index = 0
        while remaining > 0 {
            let count = min(block, remaining)
            let crc = file.withUnsafeReadableBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            let stored = file.getInteger(at: file.readerIndex + count, endianness: .little, as: UInt32.self)!
            guard crc == stored else { throw StorageError(.corrupt, "block \(index) checksum mismatch") }
            out.writeImmutableBuffer(file.readSlice(length: count)!)
            file.moveReaderIndex(forwardBy: 4)
            remaining -= count
            index += 1
        }
        return out
    }
}
