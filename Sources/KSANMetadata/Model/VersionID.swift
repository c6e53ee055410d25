/// Version ids as the store makes them: 32 characters of `[0-9a-zA-Z]`, of which the first 13 are the version's
/// position in the order of all writes (the `object_versions_seq` sequence of the database, in base 36), so that ids
/// are unique and ordered across every gateway without a clock; the other 19 are random, so that an id cannot be
/// guessed from another.
public enum VersionID {
    /// The id of a version written while versioning was not enabled.
    public static let null = "null"
    /// How many characters of an id hold the sequence number.
    static let sequenceWidth = 13
    /// How many characters long an id is.
    public static let length = 32
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// The id of the version at `sequence` (non-negative).
    public static func make<Generator: RandomNumberGenerator>(sequence: Int64, using generator: inout Generator)
        -> String
    {
        var digits = Array(String(max(sequence, 0), radix: 36).utf8)
        if digits.count < sequenceWidth {
            digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: sequenceWidth - digits.count), at: 0)
        }
        for _ in 0..<(length - sequenceWidth) {
            digits.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The sequence number an id of this store begins with; nil for `null` and for ids made elsewhere.
    public static func sequence(of id: String) -> Int64? {
        let digits = id.utf8.prefix(sequenceWidth)
        guard id.utf8.count == length,
            digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        return Int64(String(decoding: digits, as: UTF8.self), radix: 36)
    }

    /// The id of the version at `sequence`, with the system's random generator.
    public static func make(sequence: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(sequence: sequence, using: &generator)
    }
}
