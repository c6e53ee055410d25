import CISAL

/// Reed-Solomon k+m erasure coding over GF(2^8) with a Cauchy matrix, computed by ISA-L.
///
/// A stripe is `k + m` equally long shards; the first `k` hold data, the rest parity. Any `k` surviving shards
/// reconstruct all the others.
public struct ErasureCoder: Sendable {
    /// k: data shards.
    public let dataShards: Int
    /// m: parity shards.
    public let parityShards: Int
    /// The (k+m) x k encode matrix; its first k rows are the identity.
    private let encodeMatrix: [UInt8]
    /// ISA-L's expanded tables for the m parity rows.
    private let encodeTables: [UInt8]

    /// Creates a coder for k data and m parity shards (k ≥ 1, m ≥ 1, k + m ≤ 255).
    public init(dataShards k: Int, parityShards m: Int) throws {
        guard k >= 1, m >= 1, k + m <= 255 else {
            throw ErasureError(.invalidScheme, "k=\(k) m=\(m): need k >= 1, m >= 1, k + m <= 255")
        }
        dataShards = k
        parityShards = m
        var matrix = [UInt8](repeating: 0, count: (k + m) * k)
        gf_gen_cauchy1_matrix(&matrix, Int32(k + m), Int32(k))
        var tables = [UInt8](repeating: 0, count: 32 * k * m)
        matrix.withUnsafeMutableBufferPointer { matrix in
            ec_init_tables(Int32(k), Int32(m), matrix.baseAddress! + k * k, &tables)
        }
        encodeMatrix = matrix
        encodeTables = tables
    }

    /// Total shards per stripe.
    public var totalShards: Int { dataShards + parityShards }

    /// Computes the parity shards of a stripe.
    /// - Parameters:
    ///   - shards: `k + m` buffers of at least `length` bytes; the first `k` hold the data, the last `m` are written.
    ///   - length: bytes per shard.
    public func encode(shards: [UnsafeMutableRawPointer], length: Int) {
        precondition(shards.count == totalShards, "need k + m shard buffers")
        guard length > 0 else { return }
        var data = shards[0..<dataShards].map { Optional($0.assumingMemoryBound(to: UInt8.self)) }
        var parity = shards[dataShards...].map { Optional($0.assumingMemoryBound(to: UInt8.self)) }
        encodeTables.withUnsafeBufferPointer { tables in
            ec_encode_data(
                Int32(length), Int32(dataShards), Int32(parityShards),
                UnsafeMutablePointer(mutating: tables.baseAddress!), &data, &parity)
        }
    }

    /// Rebuilds lost shards of a stripe from any `k` survivors.
    /// - Parameters:
    ///   - shards: `k + m` buffers of at least `length` bytes; surviving ones hold their shard, lost ones are written.
    ///   - length: bytes per shard.
    ///   - lost: the indices of the lost shards, to rebuild.
    /// - Throws: ``ErasureError`` `.tooManyLost` if more than `m` are lost.
    public func reconstruct(shards: [UnsafeMutableRawPointer], length: Int, lost: [Int]) throws {
        precondition(shards.count == totalShards, "need k + m shard buffers")
        let lostSet = Set(lost)
        guard !lostSet.isEmpty, length > 0 else { return }
        guard lostSet.count <= parityShards, lostSet.allSatisfy({ (0..<totalShards).contains($0) }) else {
            throw ErasureError(.tooManyLost, "\(lostSet.count) of \(totalShards) shards lost, at most \(parityShards)")
        }
        let k = dataShards
        let survivors = Array((0..<totalShards).filter { !lostSet.contains($0) }.prefix(k))
        // The k x k matrix of the survivors' rows, inverted.
        var b = [UInt8](repeating: 0, count: k * k)
        for (row, index) in survivors.enumerated() {
            for col in 0..<k { b[row * k + col] = encodeMatrix[index * k + col] }
        }
        var inverse = [UInt8](repeating: 0, count: k * k)
        guard gf_invert_matrix(&b, &inverse, Int32(k)) == 0 else {
            throw ErasureError(.singularMatrix, "decode matrix is singular")
        }
        let targets = lostSet.sorted()
        var decode = [UInt8](repeating: 0, count: targets.count * k)
        for (row, index) in targets.enumerated() {
            if index < k {
                for col in 0..<k { decode[row * k + col] = inverse[index * k + col] }
            } else {
                for col in 0..<k {
                    var sum: UInt8 = 0
                    for i in 0..<k { sum ^= gf_mul(encodeMatrix[index * k + i], inverse[i * k + col]) }
                    decode[row * k + col] = sum
                }
            }
        }
        var tables = [UInt8](repeating: 0, count: 32 * k * targets.count)
        ec_init_tables(Int32(k), Int32(targets.count), &decode, &tables)
        var sources = survivors.map { Optional(shards[$0].assumingMemoryBound(to: UInt8.self)) }
        var outputs = targets.map { Optional(shards[$0].assumingMemoryBound(to: UInt8.self)) }
        ec_encode_data(Int32(length), Int32(k), Int32(targets.count), &tables, &sources, &outputs)
    }
}
