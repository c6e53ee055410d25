/// The wire form of S3's CRC checksums (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`): the base64 encoding of the
/// CRC's bytes in big-endian order, e.g. CRC-32 0x3610A686 ("hello") is sent as "NhCmhg==".
public enum S3ChecksumEncoding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The base64 (with padding) of the four big-endian bytes of a 32-bit CRC (CRC-32 or CRC-32C).
    public static func base64BigEndian(_ value: UInt32) -> String {
        base64(of: value.bigEndian)
    }

    /// The base64 (with padding) of the eight big-endian bytes of a 64-bit CRC (CRC-64/NVME).
    public static func base64BigEndian(_ value: UInt64) -> String {
        base64(of: value.bigEndian)
    }

    /// Standard base64 with padding of the in-memory bytes of `value`.
    private static func base64<T: FixedWidthInteger>(of value: T) -> String {
        withUnsafeBytes(of: value) { bytes in
            var output: [UInt8] = []
            output.reserveCapacity((bytes.count + 2) / 3 * 4)
            var index = 0
            while index < bytes.count {
                let remaining = bytes.count - index
                let b0 = UInt32(bytes[index])
                let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
                let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                output.append(alphabet[Int(group >> 18 & 0x3F)])
                output.append(alphabet[Int(group >> 12 & 0x3F)])
                output.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
                output.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
                index += 3
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}
