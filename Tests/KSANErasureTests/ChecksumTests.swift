import Foundation
import KSANErasure
import KSANTestSupport
import Testing

@Suite("S3 additional checksums (CRC-32, CRC-32C, CRC-64/NVME)")
struct ChecksumTests {
    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Bit-at-a-time reflected CRC with init and xorout all ones: the independent reference for all three.
    static func reference(_ bytes: [UInt8], reflectedPolynomial: UInt64, width: Int) -> UInt64 {
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        var register = mask
        for byte in bytes {
            register ^= UInt64(byte)
            for _ in 0..<8 {
                register = register & 1 != 0 ? (register >> 1) ^ reflectedPolynomial : register >> 1
            }
        }
        return register ^ mask
    }

    static func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
        UInt32(reference(bytes, reflectedPolynomial: 0xEDB8_8320, width: 32))
    }

    static func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
        UInt32(reference(bytes, reflectedPolynomial: 0x82F6_3B78, width: 32))
    }

    static func referenceCRC64NVME(_ bytes: [UInt8]) -> UInt64 {
        reference(bytes, reflectedPolynomial: 0x9A6C_9329_AC4B_C9B5, width: 64)
    }

    /// The three algorithms behind one 64-bit face, for tests that treat them alike.
    struct Algorithm: CustomTestStringConvertible, Sendable {
        let name: String
        let checksum: @Sendable ([UInt8], UInt64) -> UInt64
        let combine: @Sendable (UInt64, UInt64, Int) -> UInt64
        let reference: @Sendable ([UInt8]) -> UInt64
        var testDescription: String { name }
    }

    static let algorithms: [Algorithm] = [
        Algorithm(
            name: "CRC-32",
            checksum: { UInt64(CRC32.checksum($0, continuing: UInt32($1))) },
            combine: { UInt64(CRCCombine.crc32(UInt32($0), UInt32($1), secondLength: $2)) },
            reference: { UInt64(referenceCRC32($0)) }),
        Algorithm(
            name: "CRC-32C",
            checksum: { bytes, crc in
                UInt64(bytes.withUnsafeBytes { CRC32C.checksum($0, continuing: UInt32(crc)) })
            },
            combine: { UInt64(CRCCombine.crc32c(UInt32($0), UInt32($1), secondLength: $2)) },
            reference: { UInt64(referenceCRC32C($0)) }),
        Algorithm(
            name: "CRC-64/NVME",
            checksum: { CRC64NVME.checksum($0, continuing: $1) },
            combine: { CRCCombine.crc64NVME($0, $1, secondLength: $2) },
            reference: { referenceCRC64NVME($0) }),
    ]

    // MARK: Known values

    @Test("check values for \"123456789\"")
    func checkValues() {
        let input = Array("123456789".utf8)
        #expect(CRC32.checksum(input) == 0xCBF4_3926)
        #expect(CRC32C.checksum(input) == 0xE306_9283)
        #expect(CRC64NVME.checksum(input) == 0xAE8B_1486_0A79_9888)
        #expect(Self.referenceCRC32(input) == 0xCBF4_3926)
        #expect(Self.referenceCRC32C(input) == 0xE306_9283)
        #expect(Self.referenceCRC64NVME(input) == 0xAE8B_1486_0A79_9888)
    }

    @Test("the empty input has CRC 0, and continuing over nothing keeps the CRC")
    func emptyInput() {
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC64NVME.checksum([]) == 0)
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        #expect(CRC32.checksum(empty) == 0)
        #expect(CRC32C.checksum(empty) == 0)
        #expect(CRC64NVME.checksum(empty) == 0)
        #expect(CRC32.checksum(empty, continuing: 0x1234_5678) == 0x1234_5678)
        #expect(CRC32C.checksum(empty, continuing: 0x1234_5678) == 0x1234_5678)
        #expect(CRC64NVME.checksum(empty, continuing: 0x1234_5678_9ABC_DEF0) == 0x1234_5678_9ABC_DEF0)
    }

    @Test("agrees with the bit-by-bit reference on every length up to 300", arguments: algorithms)
    func matchesReference(algorithm: Algorithm) {
        let data = Self.bytes(300, seed: 7)
        for length in 0...data.count {
            let slice = Array(data[..<length])
            #expect(algorithm.checksum(slice, 0) == algorithm.reference(slice), "length \(length)")
        }
        let large = Self.bytes(100_003, seed: 8)
        #expect(algorithm.checksum(large, 0) == algorithm.reference(large))
    }

    // MARK: Incremental

    @Test("split at every position of a 1,000-byte input equals one-shot", arguments: algorithms)
    func everySplit(algorithm: Algorithm) {
        let data = Self.bytes(1000, seed: 1)
        let whole = algorithm.checksum(data, 0)
        #expect(whole == algorithm.reference(data))
        for split in 0...data.count {
            let first = algorithm.checksum(Array(data[..<split]), 0)
            #expect(algorithm.checksum(Array(data[split...]), first) == whole, "split at \(split)")
        }
    }

    @Test("random chunks of 1 MiB equal one-shot", arguments: algorithms)
    func randomChunks(algorithm: Algorithm) {
        let data = Self.bytes(1 << 20, seed: 2)
        let whole = algorithm.checksum(data, 0)
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<8 {
            var crc: UInt64 = 0
            var offset = 0
            while offset < data.count {
                let length = min(data.count - offset, Int(generator.next() % 70_000))
                crc = algorithm.checksum(Array(data[offset..<offset + length]), crc)
                offset += length
            }
            #expect(crc == whole)
        }
    }

    @Test("CRC32 continues ISA-L's crc32_gzip_refl from the previous finished value")
    func crc32Continuation() {
        let hello = Array("hello".utf8)
        let world = Array(" world".utf8)
        #expect(CRC32.checksum(world, continuing: CRC32.checksum(hello)) == CRC32.checksum(hello + world))
        #expect(CRC32.checksum(hello + world) == Self.referenceCRC32(hello + world))
        // One byte at a time.
        var crc: UInt32 = 0
        for byte in hello + world { crc = CRC32.checksum([byte], continuing: crc) }
        #expect(crc == CRC32.checksum(hello + world))
    }

    // MARK: S3 wire form

    @Test("base64 of the big-endian bytes, as S3 sends x-amz-checksum-*")
    func base64Encoding() {
        let hello = Array("hello".utf8)
        #expect(CRC32.checksum(hello) == 0x3610_A686)
        #expect(S3ChecksumEncoding.base64BigEndian(CRC32.checksum(hello)) == "NhCmhg==")
        #expect(S3ChecksumEncoding.base64BigEndian(CRC32.checksum([])) == "AAAAAA==")
        #expect(CRC32C.checksum(hello) == 0x9A71_BB4C)
        #expect(S3ChecksumEncoding.base64BigEndian(CRC32C.checksum(hello)) == "mnG7TA==")
        #expect(S3ChecksumEncoding.base64BigEndian(CRC32.checksum(Array("123456789".utf8))) == "y/Q5Jg==")

        #expect(CRC64NVME.checksum(hello) == 0x3377_8570_0652_4257)
        #expect(CRC64NVME.checksum(hello) == Self.referenceCRC64NVME(hello))
        #expect(S3ChecksumEncoding.base64BigEndian(CRC64NVME.checksum(hello)) == "M3eFcAZSQlc=")
        #expect(S3ChecksumEncoding.base64BigEndian(CRC64NVME.checksum([])) == "AAAAAAAAAAA=")
        #expect(S3ChecksumEncoding.base64BigEndian(CRC64NVME.checksum(Array("123456789".utf8))) == "rosUhgp5mIg=")
    }

    @Test("base64 agrees with Foundation on random values")
    func base64MatchesFoundation() {
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<1000 {
            let value = generator.next()
            let narrow = UInt32(truncatingIfNeeded: value)
            let wide = withUnsafeBytes(of: value.bigEndian) { Data($0) }
            let short = withUnsafeBytes(of: narrow.bigEndian) { Data($0) }
            #expect(S3ChecksumEncoding.base64BigEndian(value) == wide.base64EncodedString())
            #expect(S3ChecksumEncoding.base64BigEndian(narrow) == short.base64EncodedString())
        }
    }

    // MARK: Combine

    @Test("combine equals one-shot at random splits, including empty halves", arguments: algorithms)
    func combineRandomSplits(algorithm: Algorithm) {
        let data = Self.bytes(200_000, seed: 5)
        let whole = algorithm.checksum(data, 0)
        var generator = SeededGenerator(seed: 6)
        let splits =
            [0, 1, 7, 8, 9, data.count - 1, data.count] + (0..<40).map { _ in Int(generator.next() % 200_001) }
        for split in splits {
            let first = algorithm.checksum(Array(data[..<split]), 0)
            let second = algorithm.checksum(Array(data[split...]), 0)
            #expect(algorithm.combine(first, second, data.count - split) == whole, "split at \(split)")
        }
    }

    @Test("folding the parts of a multipart upload gives the whole-object CRC", arguments: algorithms)
    func combineParts(algorithm: Algorithm) {
        let data = Self.bytes(1 << 20, seed: 9)
        var generator = SeededGenerator(seed: 10)
        var combined: UInt64 = 0
        var offset = 0
        while offset < data.count {
            let length = min(data.count - offset, 1 + Int(generator.next() % 100_000))
            let part = algorithm.checksum(Array(data[offset..<offset + length]), 0)
            combined = algorithm.combine(combined, part, length)
            offset += length
        }
        #expect(combined == algorithm.checksum(data, 0))
    }

    @Test("combine is associative for lengths up to 2^62", arguments: algorithms)
    func combineAssociative(algorithm: Algorithm) {
        let mask: UInt64 = algorithm.name == "CRC-64/NVME" ? ~0 : 0xFFFF_FFFF
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let (a, b, c) = (generator.next() & mask, generator.next() & mask, generator.next() & mask)
            let lengthB = Int(generator.next() >> 2)
            let lengthC = Int(generator.next() >> 2)
            let left = algorithm.combine(algorithm.combine(a, b, lengthB), c, lengthC)
            let right = algorithm.combine(a, algorithm.combine(b, c, lengthC), lengthB + lengthC)
            #expect(left == right)
        }
    }

    @Test("combine over a long run of zero bytes matches streaming them", arguments: algorithms)
    func combineLongZeros(algorithm: Algorithm) {
        let prefix = Self.bytes(1000, seed: 12)
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var streamed = algorithm.checksum(prefix, 0)
        var zerosCRC: UInt64 = 0
        for _ in 0..<5 {
            streamed = algorithm.checksum(zeros, streamed)
            zerosCRC = algorithm.checksum(zeros, zerosCRC)
        }
        #expect(algorithm.combine(algorithm.checksum(prefix, 0), zerosCRC, 5 << 20) == streamed)
    }
}
