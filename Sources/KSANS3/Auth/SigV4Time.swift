import Foundation

/// The two date formats SigV4 deals with, parsed by hand (proleptic Gregorian, UTC) so that no shared,
/// non-thread-safe formatter is involved.
enum SigV4Time {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Seconds since 1970 for validated components, or nil when out of range.
    private static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int? {
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else {
            return nil
        }
        return CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// The integer value of an all-digit string, or nil.
    private static func digits(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` (exactly 16 characters), or nil.
    static func parseAMZDate(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count == 16, chars[8] == UInt8(ascii: "T"), chars[15] == UInt8(ascii: "Z") else {
            return nil
        }
        let sub = Substring(text)
        func field(_ from: Int, _ length: Int) -> Int? {
            let start = sub.utf8.index(sub.startIndex, offsetBy: from)
            let end = sub.utf8.index(start, offsetBy: length)
            return digits(sub[start..<end])
        }
        guard let year = field(0, 4), let month = field(4, 2), let day = field(6, 2),
            let hour = field(9, 2), let minute = field(11, 2), let second = field(13, 2),
            let seconds = epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else {
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Formats a date as `yyyyMMdd'T'HHmmss'Z'` (UTC).
    static func formatAMZDate(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = total - days * 86_400
        let civil = CivilDate.civil(fromDays: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(civil.year, 4) + pad(civil.month, 2) + pad(civil.day, 2) + "T"
            + pad(secondsOfDay / 3_600, 2) + pad(secondsOfDay % 3_600 / 60, 2) + pad(secondsOfDay % 60, 2) + "Z"
    }

    /// Converts an RFC 1123 HTTP date (`Fri, 24 May 2013 00:00:00 GMT`) to `yyyyMMdd'T'HHmmss'Z'`, or nil.
    ///
    /// The weekday is optional and not checked; the zone must be `GMT`, `UTC`, `Z` or `+0000`.
    static func amzDate(fromHTTPDate text: String) -> String? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if let first = tokens.first, first.hasSuffix(",") {
            tokens.removeFirst()
        }
        guard tokens.count == 5, ["GMT", "UTC", "Z", "+0000"].contains(tokens[4]) else {
            return nil
        }
        guard let day = digits(tokens[0]), tokens[0].count <= 2,
            let monthIndex = months.firstIndex(of: tokens[1].lowercased()),
            let year = digits(tokens[2]), tokens[2].count == 4
        else {
            return nil
        }
        let clock = tokens[3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = digits(clock[0]), let minute = digits(clock[1]), let second = digits(clock[2]),
            let seconds = epochSeconds(
                year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
        else {
            return nil
        }
        return formatAMZDate(Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
