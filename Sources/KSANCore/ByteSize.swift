import Foundation

/// Sizes written as operators and benchmarks write them: `4096`, `4K`, `512M`, `10G`, `1T` (powers of 1024, either
/// case, surrounding blanks ignored).
public enum ByteSize {
    /// The bytes `text` names, or nil if it is not a size (negative, malformed, or past `Int64.max`).
    public static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit: Int64 = 1
        if let last = digits.last?.uppercased().first, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let count = Int64(digits), count >= 0, count <= Int64.max / unit else { return nil }
        return count * unit
    }
}
