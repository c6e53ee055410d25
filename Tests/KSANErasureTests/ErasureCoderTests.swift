import KSANErasure
import Testing

@Suite("Erasure coding")
struct ErasureCoderTests {
    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    static func allSubsets(of n: Int, size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard n >= size else { return [] }
        return allSubsets(of: n - 1, size: size) + allSubsets(of: n - 1, size: size - 1).map { $0 + [n - 1] }
    }

    @Test("reconstructs every combination of up to m lost shards", arguments: [(2, 1), (4, 2), (8, 4), (3, 3)])
    func roundTrip(k: Int, m: Int) throws {
        let coder = try ErasureCoder(dataShards: k, parityShards: m)
        let length = 4096 + 17
        var stripe = Self.bytes((k + m) * length, seed: UInt64(k * 100 + m))
        stripe.withUnsafeMutableBytes { raw in
            coder.encode(shards: (0..<(k + m)).map { raw.baseAddress! + $0 * length }, length: length)
        }
        let original = stripe
        for lost in 1...m {
            for subset in Self.allSubsets(of: k + m, size: lost) {
                var damaged = original
                for index in subset {
                    for i in 0..<length { damaged[index * length + i] = 0xA5 }
                }
                try damaged.withUnsafeMutableBytes { raw in
                    try coder.reconstruct(
                        shards: (0..<(k + m)).map { raw.baseAddress! + $0 * length }, length: length, lost: subset)
                }
                #expect(damaged == original, "k=\(k) m=\(m) lost \(subset)")
            }
        }
    }

    @Test("parity differs from data and changes with it")
    func parityDependsOnData() throws {
        let coder = try ErasureCoder(dataShards: 4, parityShards: 2)
        let length = 64
        var a = Self.bytes(6 * length, seed: 1)
        var b = a
        b[3] ^= 1
        a.withUnsafeMutableBytes { raw in
            coder.encode(shards: (0..<6).map { raw.baseAddress! + $0 * length }, length: length)
        }
        b.withUnsafeMutableBytes { raw in
            coder.encode(shards: (0..<6).map { raw.baseAddress! + $0 * length }, length: length)
        }
        #expect(a[(4 * length)...] != b[(4 * length)...])
    }

    @Test("losing more than m shards is an error")
    func tooManyLost() throws {
        let coder = try ErasureCoder(dataShards: 4, parityShards: 2)
        var stripe = [UInt8](repeating: 1, count: 6 * 16)
        #expect(throws: ErasureError.self) {
            try stripe.withUnsafeMutableBytes { raw in
                try coder.reconstruct(shards: (0..<6).map { raw.baseAddress! + $0 * 16 }, length: 16, lost: [0, 1, 2])
            }
        }
    }

    @Test("invalid schemes are refused", arguments: [(0, 2), (4, 0), (200, 56)])
    func invalidScheme(k: Int, m: Int) {
        #expect(throws: ErasureError.self) { try ErasureCoder(dataShards: k, parityShards: m) }
    }

    @Test("CRC-32C check value")
    func crc32c() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // Incremental equals one-shot.
        let data = Self.bytes(100_000, seed: 7)
        let whole = CRC32C.checksum(data)
        let split = data.withUnsafeBytes { raw in
            CRC32C.checksum(
                UnsafeRawBufferPointer(rebasing: raw[50_000...]),
                continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[..<50_000])))
        }
        #expect(whole == split)
    }

    @Test("stripe geometry of a partial last stripe")
    func geometry() {
        let g = StripeGeometry(dataShards: 4, parityShards: 2, replicated: false, blockSize: 1024, size: 4096 * 2 + 10)
        #expect(g.stripeSize == 4096)
        #expect(g.stripeCount == 3)
        #expect(g.dataLength(ofStripe: 2) == 10)
        #expect(g.shardLength(ofStripe: 2) == 3)
        #expect(g.shardLength(ofStripe: 0) == 1024)
        let r = StripeGeometry(dataShards: 1, parityShards: 2, replicated: true, blockSize: 1000, size: 2500)
        #expect(r.stripeCount == 3)
        #expect(r.shardLength(ofStripe: 2) == 500)
        #expect(
            StripeGeometry(dataShards: 4, parityShards: 2, replicated: false, blockSize: 1024, size: 0).stripeCount == 0
        )
    }
}
