import CISAL

/// CRC-32 (IEEE 802.3, as zlib and gzip compute it), the S3 `x-amz-checksum-crc32` algorithm, computed by ISA-L.
///
/// Parameters: polynomial 0x04C11DB7 (reflected 0xEDB88320), init 0xFFFFFFFF, reflected input and output,
/// xorout 0xFFFFFFFF. The CRC of the empty input is 0, so 0 is also the value to start an incremental
/// computation from: `checksum(b, continuing: checksum(a)) == checksum(a + b)`.
public enum CRC32 {
    /// The standard CRC-32 of `bytes` (check value 0xCBF43926 for "123456789"), continuing from `crc`.
    ///
    /// ISA-L's `crc32_gzip_refl` inverts the CRC on entry and on exit, so it already takes and returns the finished
    /// (xored-out) value and continuing is just passing the previous result back in.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return crc32_gzip_refl(crc, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    /// The standard CRC-32 of a byte array, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}
