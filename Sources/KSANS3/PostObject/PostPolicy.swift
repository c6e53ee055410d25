import Foundation

/// The policy of an S3 POST Object form: a base64 JSON document with an `expiration` and a list of `conditions` that
/// the form's fields must meet ("Creating a POST policy" in the S3 documentation).
///
/// Conditions are `{"field": "value"}` and `["eq", "$field", "value"]` (exact match),
/// `["starts-with", "$field", "prefix"]` (an empty prefix matches anything; for `Content-Type`, every entry of a
/// comma-separated list must match) and `["content-length-range", min, max]`, which
/// ``check(policyBase64:fields:bucket:now:)`` returns for the caller to enforce while the file streams. Field names
/// are case-insensitive; `$bucket` is the request's bucket. A condition on a field that the form does not carry is
/// checked against the empty string.
public enum PostPolicy {
    /// The form fields that need no condition: the signature and policy themselves, the file, and `x-ignore-*`.
    static let uncheckedFields: Set<String> = ["x-amz-signature", "signature", "awsaccesskeyid", "file", "policy"]

    /// One decoded condition.
    enum Condition: Equatable {
        /// `{"field": "value"}` or `["eq", "$field", "value"]`; the field lower-cased, without `$`.
        case equals(field: String, value: String)
        /// `["starts-with", "$field", "prefix"]`; the field lower-cased, without `$`.
        case startsWith(field: String, prefix: String)
        /// `["content-length-range", min, max]`.
        case contentLengthRange(ClosedRange<Int64>)
    }

    /// Decodes the policy, checks it against the form and returns its `content-length-range`, if any.
    ///
    /// - Parameters:
    ///   - policyBase64: The form's `policy` field.
    ///   - fields: The form fields, names lower-cased.
    ///   - bucket: The bucket the form posts to, matched by `$bucket`.
    ///   - now: The current time, compared with the policy's expiration.
    /// - Throws: `InvalidPolicyDocument` for a policy that is not base64 JSON or whose expiration or conditions are
    ///   malformed; `AccessDenied` when the policy has expired, a condition fails, or a form field is not covered by
    ///   any condition.
    public static func check(
        policyBase64: String, fields: [String: String], bucket: String, now: Date
    ) throws(S3Error) -> ClosedRange<Int64>? {
        let (expiration, conditions) = try decode(policyBase64)
        guard now < expiration else {
            throw S3Error(.accessDenied, "Invalid according to Policy: Policy expired.")
        }
        var values = fields
        values["bucket"] = bucket
        var covered: Set<String> = []
        var range: ClosedRange<Int64>?
        for condition in conditions {
            switch condition {
            case .equals(let field, let expected):
                covered.insert(field)
                guard values[field, default: ""] == expected else {
                    throw failed(condition)
                }
            case .startsWith(let field, let prefix):
                covered.insert(field)
                let value = values[field, default: ""]
                let entries = field == "content-type" ? value.split(separator: ",").map { trimmed($0) } : [value]
                guard entries.allSatisfy({ $0.hasPrefix(prefix) }) else {
                    throw failed(condition)
                }
            case .contentLengthRange(let limits):
                range = limits
            }
        }
        for name in fields.keys.sorted()
        where !covered.contains(name) && !uncheckedFields.contains(name) && !name.hasPrefix("x-ignore-") {
            throw S3Error(.accessDenied, "Invalid according to Policy: Extra input fields: \(name)")
        }
        return range
    }

    /// The AccessDenied answer to a failed condition, quoting it as S3 does.
    private static func failed(_ condition: Condition) -> S3Error {
        let quoted: String
        switch condition {
        case .equals(let field, let value): quoted = "[\"eq\", \"$\(field)\", \"\(value)\"]"
        case .startsWith(let field, let prefix): quoted = "[\"starts-with\", \"$\(field)\", \"\(prefix)\"]"
        case .contentLengthRange(let range):
            quoted = "[\"content-length-range\", \(range.lowerBound), \(range.upperBound)]"
        }
        return S3Error(.accessDenied, "Invalid according to Policy: Policy Condition failed: \(quoted)")
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    // MARK: Decoding

    private static func invalid(_ detail: String) -> S3Error {
        S3Error(.invalidPolicyDocument, "Invalid Policy: \(detail)")
    }

    /// Decodes the base64 JSON policy into its expiration and conditions.
    static func decode(_ policyBase64: String) throws(S3Error) -> (expiration: Date, conditions: [Condition]) {
        let compact = policyBase64.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw invalid("Invalid Base64 Encoding.")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let document = object as? [String: Any]
        else {
            throw invalid("Invalid JSON.")
        }
        guard let expirationText = document["expiration"] as? String else {
            throw invalid("Policy missing expiration.")
        }
        guard let expiration = parseExpiration(expirationText) else {
            throw invalid("Invalid 'expiration' value: '\(expirationText)'")
        }
        guard let list = document["conditions"] as? [Any] else {
            throw invalid("Policy missing conditions.")
        }
        var conditions: [Condition] = []
        for entry in list {
            if let object = entry as? [String: Any] {
                for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                    guard let text = value as? String else {
                        throw invalid("Invalid Simple-Condition: value must be a string.")
                    }
                    let field = name.hasPrefix("$") ? String(name.dropFirst()) : name
                    conditions.append(.equals(field: field.lowercased(), value: text))
                }
            } else if let array = entry as? [Any] {
                conditions.append(try arrayCondition(array))
            } else {
                throw invalid("Invalid condition.")
            }
        }
        return (expiration, conditions)
    }

    /// Decodes `["eq" | "starts-with", "$field", "value"]` or `["content-length-range", min, max]`.
    private static func arrayCondition(_ array: [Any]) throws(S3Error) -> Condition {
        guard array.count == 3, let operation = (array[0] as? String)?.lowercased() else {
            throw invalid("Invalid condition: wrong number of arguments.")
        }
        if operation == "content-length-range" {
            guard let minimum = integer(array[1]), let maximum = integer(array[2]), minimum >= 0, minimum <= maximum
            else {
                throw invalid("Invalid content-length-range.")
            }
            return .contentLengthRange(minimum...maximum)
        }
        guard let name = array[1] as? String, name.hasPrefix("$"), name.count > 1, let value = array[2] as? String
        else {
            throw invalid("Invalid condition: the field must start with '$' and the value must be a string.")
        }
        let field = String(name.dropFirst()).lowercased()
        switch operation {
        case "eq": return .equals(field: field, value: value)
        case "starts-with": return .startsWith(field: field, prefix: value)
        default: throw invalid("Unknown condition operation: \(operation)")
        }
    }

    /// A JSON integer, or a string of decimal digits (which some clients send).
    private static func integer(_ value: Any) -> Int64? {
        if let text = value as? String {
            return Int64(text)
        }
        guard let number = value as? NSNumber else {
            return nil
        }
        let double = number.doubleValue
        guard double.rounded() == double, let exact = Int64(exactly: double) else {
            return nil
        }
        return exact
    }

    /// Parses an ISO 8601 UTC time such as `2026-12-01T12:00:00.000Z`, with or without fractional seconds (at most
    /// nine digits). Parsed here, strictly, not by Foundation's ISO8601DateFormatter, which traps on some inputs
    /// (a fraction of a hundred digits: found by fuzzing).
    static func parseExpiration(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, UInt8)] = [(4, 0x2D), (7, 0x2D), (10, 0x54), (13, 0x3A), (16, 0x3A)]  // - - T : :
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 || ($0.1 == 0x54 && bytes[$0.0] == 0x74) }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), (1...9).contains(bytes.count - 21),
                let digits = number(20..<(bytes.count - 1))
            else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
