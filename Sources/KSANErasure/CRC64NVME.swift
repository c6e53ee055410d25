/// CRC-64/NVME (also called CRC-64/Rocksoft), the S3 `x-amz-checksum-crc64nvme` algorithm, in Swift.
///
/// Parameters: polynomial 0xAD93D23594C93659 (reflected 0x9A6C9329AC4BC9B5), init 0xFFFFFFFFFFFFFFFF, reflected
/// input and output, xorout 0xFFFFFFFFFFFFFFFF. The CRC of the empty input is 0, so 0 is also the value to start an
/// incremental computation from: `checksum(b, continuing: checksum(a)) == checksum(a + b)`.
///
/// ISA-L 2.30 has only the ECMA-182, ISO and Jones 64-bit CRCs, with their folding constants hard-coded in assembly
/// (the Rocksoft/NVME variant arrived in 2.31), so this is a table-driven slicing-by-16 implementation instead.
public enum CRC64NVME {
    /// The reflected generator polynomial.
    static let reflectedPolynomial: UInt64 = 0x9A6C_9329_AC4B_C9B5

    /// Sixteen 256-entry tables, flattened: entry `k * 256 + b` is the CRC register after the byte `b` followed by `k`
    /// zero bytes went through a zero register. Table 0 is the classic byte-at-a-time table.
    static let tables: [UInt64] = {
        var tables = [UInt64](repeating: 0, count: 16 * 256)
        for byte in 0..<256 {
            var register = UInt64(byte)
            for _ in 0..<8 {
                register = register & 1 != 0 ? (register >> 1) ^ reflectedPolynomial : register >> 1
            }
            tables[byte] = register
        }
        for table in 1..<16 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The standard CRC-64/NVME of `bytes` (check value 0xAE8B14860A799888 for "123456789"), continuing from `crc`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return tables.withUnsafeBufferPointer { tables in
            ~update(register: ~crc, base, count: bytes.count, tables: tables.baseAddress!)
        }
    }

    /// The standard CRC-64/NVME of a byte array, continuing from `crc`.
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }

    /// Runs `count` bytes at `base` through the raw (not inverted) CRC register, sixteen bytes per step.
    @inline(__always)
    private static func update(
        register: UInt64, _ base: UnsafeRawPointer, count: Int, tables t: UnsafePointer<UInt64>
    ) -> UInt64 {
        var register = register
        var pointer = base
        var remaining = count
        while remaining >= 16 {
            let low = register ^ UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
            let high = UInt64(littleEndian: pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let a = t[slot(15, low, 0)] ^ t[slot(14, low, 8)] ^ t[slot(13, low, 16)] ^ t[slot(12, low, 24)]
            let b = t[slot(11, low, 32)] ^ t[slot(10, low, 40)] ^ t[slot(9, low, 48)] ^ t[slot(8, low, 56)]
            let c = t[slot(7, high, 0)] ^ t[slot(6, high, 8)] ^ t[slot(5, high, 16)] ^ t[slot(4, high, 24)]
            let d = t[slot(3, high, 32)] ^ t[slot(2, high, 40)] ^ t[slot(1, high, 48)] ^ t[slot(0, high, 56)]
            register = (a ^ b) ^ (c ^ d)
            pointer += 16
            remaining -= 16
        }
        while remaining > 0 {
            register = (register >> 8) ^ t[slot(0, register ^ UInt64(pointer.load(as: UInt8.self)), 0)]
            pointer += 1
            remaining -= 1
        }
        return register
    }

    /// The index in the flattened tables of table `table`, entry byte `shift / 8` of `word`.
    @inline(__always)
    private static func slot(_ table: Int, _ word: UInt64, _ shift: UInt64) -> Int {
        table << 8 | Int(truncatingIfNeeded: (word >> shift) & 0xFF)
    }
}
