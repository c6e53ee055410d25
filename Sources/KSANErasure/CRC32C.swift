import CISAL

/// CRC-32C (Castagnoli), the checksum of every shard block, computed by ISA-L.
public enum CRC32C {
    /// The standard CRC-32C of `bytes` (check value 0xE3069283 for "123456789"), continuing from `crc`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        var result = ~crc
        var offset = 0
        // ISA-L takes an Int32 length; feed it in slices.
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            result = crc32_iscsi(
                UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self)),
                Int32(length), result)
            offset += length
        }
        return ~result
    }

    /// The standard CRC-32C of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
