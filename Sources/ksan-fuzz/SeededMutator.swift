/// A deterministic mutation fuzzer: from a corpus of seed inputs it derives new inputs by flipping bits, replacing,
/// inserting, deleting and duplicating bytes, splicing two inputs and inserting tokens of a dictionary. Not guided by
/// coverage (libFuzzer is, through `scripts/fuzz.sh`); it runs in any build, so the test suite can run every target
/// briefly.
struct SeededMutator {
    /// SplitMix64, so a run is reproducible from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    let corpus: [[UInt8]]
    let tokens: [[UInt8]]
    let maxLength: Int
    var random: Generator

    init(corpus: [[UInt8]], tokens: [[UInt8]], seed: UInt64, maxLength: Int = 64 * 1024) {
        self.corpus = corpus.isEmpty ? [[]] : corpus
        self.tokens = tokens
        self.maxLength = maxLength
        self.random = Generator(state: seed)
    }

    /// The next input: a corpus entry with one to eight mutations.
    mutating func next() -> [UInt8] {
        var input = corpus[Int.random(in: 0..<corpus.count, using: &random)]
        for _ in 0..<Int.random(in: 1...8, using: &random) { mutate(&input) }
        if input.count > maxLength { input.removeLast(input.count - maxLength) }
        return input
    }

    mutating func mutate(_ input: inout [UInt8]) {
        let position = input.isEmpty ? 0 : Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0 where !input.isEmpty:
            input[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1 where !input.isEmpty:
            input[position] = interesting[Int.random(in: 0..<interesting.count, using: &random)]
        case 2:
            let count = Int.random(in: 1...16, using: &random)
            input.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }, at: position)
        case 3 where !input.isEmpty:
            let count = Int.random(in: 1...min(64, input.count - position), using: &random)
            input.removeSubrange(position..<(position + count))
        case 4 where !input.isEmpty:
            let count = Int.random(in: 1...min(256, input.count - position), using: &random)
            let copies = Int.random(in: 1...64, using: &random)
            let slice = Array(input[position..<(position + count)])
            for _ in 0..<copies { input.insert(contentsOf: slice, at: position) }
        case 5:
            let other = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            guard !other.isEmpty else { return }
            let from = Int.random(in: 0..<other.count, using: &random)
            input.replaceSubrange(position..<input.count, with: other[from...])
        case 6 where !tokens.isEmpty:
            input.insert(contentsOf: tokens[Int.random(in: 0..<tokens.count, using: &random)], at: position)
        case 7 where !input.isEmpty:
            // A decimal number somewhere becomes an extreme one.
            let extremes = [
                "-1", "0", "4294967296", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
            ]
            input.insert(
                contentsOf: Array(extremes[Int.random(in: 0..<extremes.count, using: &random)].utf8), at: position)
        default:
            if !input.isEmpty { input.removeSubrange(position...) }
        }
    }

    /// Bytes that often matter to parsers.
    let interesting: [UInt8] = [
        0, 1, 0x7F, 0x80, 0xFF, 0x0A, 0x0D, 0x20, 0x22, 0x25, 0x26, 0x2B, 0x2D, 0x2F, 0x3A, 0x3B,
        0x3C, 0x3D, 0x3E, 0x3F, 0x5C, 0xC0, 0xE0, 0xF0,
    ]
}
