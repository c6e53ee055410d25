/// Combining the CRCs of two adjacent byte ranges: `crc(A + B)` from `crc(A)`, `crc(B)` and the length of `B`,
/// without the bytes. S3 needs it for FULL_OBJECT multipart checksums: the whole-object CRC is folded from the
/// parts' CRCs and sizes.
///
/// This is zlib's `crc32_combine` GF(2) matrix method generalised to 64 bits: appending `n` zero bytes is a linear
/// operator on the CRC register, and `crc(A + B) = zeros(len(B))(crc(A)) ^ crc(B)` for these CRCs (init and xorout
/// both all ones). The operators for 2^k zero bytes are squared once per algorithm and kept, so a combine costs at
/// most one 64x64 bit matrix-vector product per set bit of the length.
public enum CRCCombine {
    private static let crc32Operators = ZeroBytesOperators(reflectedPolynomial: 0xEDB8_8320, width: 32)
    private static let crc32cOperators = ZeroBytesOperators(reflectedPolynomial: 0x82F6_3B78, width: 32)
    private static let crc64NVMEOperators = ZeroBytesOperators(reflectedPolynomial: 0x9A6C_9329_AC4B_C9B5, width: 64)

    /// The CRC-32 (``CRC32``) of `A + B`, given `first` = CRC-32 of `A`, `second` = CRC-32 of `B`, and the byte count
    /// of `B`, which must not be negative.
    public static func crc32(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32Operators.appendZeros(UInt64(first), count: secondLength)) ^ second
    }

    /// The CRC-32C (``CRC32C``) of `A + B`, given `first` = CRC-32C of `A`, `second` = CRC-32C of `B`, and the byte
    /// count of `B`, which must not be negative.
    public static func crc32c(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32cOperators.appendZeros(UInt64(first), count: secondLength)) ^ second
    }

    /// The CRC-64/NVME (``CRC64NVME``) of `A + B`, given `first` = CRC-64/NVME of `A`, `second` = CRC-64/NVME of `B`,
    /// and the byte count of `B`, which must not be negative.
    public static func crc64NVME(_ first: UInt64, _ second: UInt64, secondLength: Int) -> UInt64 {
        crc64NVMEOperators.appendZeros(first, count: secondLength) ^ second
    }
}

/// The GF(2) matrices that run 2^k zero bytes (k = 0 ... 62) through a reflected CRC register of up to 64 bits.
///
/// A matrix is `width` columns: column `i` is the image of the register with only bit `i` set.
private struct ZeroBytesOperators: Sendable {
    let width: Int
    /// `matrices[k * width + i]`: column `i` of the operator for 2^k zero bytes.
    let matrices: [UInt64]

    init(reflectedPolynomial: UInt64, width: Int) {
        self.width = width
        // One zero bit: the register shifts right by one, and a one shifted out of bit 0 brings in the polynomial.
        var current = [reflectedPolynomial] + (1..<width).map { UInt64(1) << ($0 - 1) }
        // One zero byte is eight zero bits: square three times (1 → 2 → 4 → 8 bits).
        for _ in 0..<3 { current = Self.square(current) }
        var matrices = current
        matrices.reserveCapacity(63 * width)
        for _ in 1..<63 {
            current = Self.square(current)
            matrices += current
        }
        self.matrices = matrices
    }

    /// The register after `count` zero bytes, starting from `register`.
    func appendZeros(_ register: UInt64, count: Int) -> UInt64 {
        precondition(count >= 0, "a CRC cannot be combined with a negative length")
        var register = register
        var remaining = UInt64(count)
        var power = 0
        matrices.withUnsafeBufferPointer { matrices in
            while remaining != 0 {
                if remaining & 1 != 0 {
                    register = Self.times(matrices.baseAddress! + power * width, register)
                }
                remaining >>= 1
                power += 1
            }
        }
        return register
    }

    /// The matrix-vector product: the XOR of the columns selected by the bits of `vector`.
    private static func times(_ matrix: UnsafePointer<UInt64>, _ vector: UInt64) -> UInt64 {
        var vector = vector
        var sum: UInt64 = 0
        while vector != 0 {
            sum ^= matrix[vector.trailingZeroBitCount]
            vector &= vector - 1
        }
        return sum
    }

    /// The square of `matrix`: the operator applied twice.
    private static func square(_ matrix: [UInt64]) -> [UInt64] {
        matrix.withUnsafeBufferPointer { columns in columns.map { times(columns.baseAddress!, $0) } }
    }
}
