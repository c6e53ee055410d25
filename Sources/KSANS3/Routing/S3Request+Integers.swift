import Foundation

extension S3Request {
    /// An integer query parameter, nil when absent.
    /// - Throws: InvalidArgument (with `ArgumentName` and `ArgumentValue`) unless it is a decimal integer within
    ///   `range`: a negative `max-keys`, a `part-number-marker` of `-1` or `x` never reaches arithmetic.
    public func integerQuery(_ name: String, in range: ClosedRange<Int>) throws(S3Error) -> Int? {
        guard let text = query(name) else { return nil }
        return try Self.integer(text, name: name, in: range)
    }

    /// An integer header, nil when absent; the same rules as ``integerQuery(_:in:)``.
    public func integerHeader(_ name: String, in range: ClosedRange<Int>) throws(S3Error) -> Int? {
        guard let text = header(name) else { return nil }
        return try Self.integer(text, name: name, in: range)
    }

    /// `text` as an integer within `range` (itself within 32 bits): optional surrounding spaces and sign, decimal
    /// digits only.
    static func integer(_ text: String, name: String, in range: ClosedRange<Int>) throws(S3Error) -> Int {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.first == "+" { digits = digits.dropFirst() }
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        let details = [
            S3Error.Detail("ArgumentName", name),
            S3Error.Detail(
                "ArgumentValue",
                text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
                    ? String(text.prefix(64)) : "(not printable)"),
        ]
        // As S3: a number outside the range is told its range; anything else is not an integer at all.
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let magnitude = Int32(digits)
        else {
            throw S3Error(
                .invalidArgument, "Provided \(name) not an integer or within integer range", details: details)
        }
        let value = negative ? -Int(magnitude) : Int(magnitude)
        guard range.contains(value) else {
            throw S3Error(
                .invalidArgument,
                "Argument \(name) must be an integer between \(range.lowerBound) and \(range.upperBound)",
                details: details)
        }
        return value
    }
}
