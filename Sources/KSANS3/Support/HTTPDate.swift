import Foundation

/// HTTP dates (RFC 7231 IMF-fixdate), as in `Last-Modified`.
public enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// UTC broken-down time.
    static func brokenDown(_ seconds: time_t) -> tm {
        var t = seconds
        var result = tm()
        gmtime_r(&t, &result)
        return result
    }

    /// Formats `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func format(_ date: Date) -> String {
        let t = brokenDown(time_t(date.timeIntervalSince1970.rounded(.down)))
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(t.tm_wday)], Int(t.tm_mday), months[Int(t.tm_mon)],
            Int(t.tm_year) + 1900, Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }

    /// Parses IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); nil if malformed or out of range (a date of year
    /// 99999999999 is ignored, as S3 ignores an invalid date, rather than reaching 32-bit arithmetic).
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].utf8.count <= 2, parts[3].utf8.count == 4,
            let day = Int(parts[1]), (1...31).contains(day), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), (1000...9999).contains(year)
        else { return nil }
        let clockParts = parts[4].split(separator: ":", omittingEmptySubsequences: false)
        guard clockParts.count == 3, clockParts.allSatisfy({ $0.utf8.count == 2 }) else { return nil }
        let clock = clockParts.compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        var t = tm()
        t.tm_year = Int32(year - 1900)
        t.tm_mon = Int32(month)
        t.tm_mday = Int32(day)
        t.tm_hour = Int32(clock[0])
        t.tm_min = Int32(clock[1])
        t.tm_sec = Int32(clock[2])
        return Date(timeIntervalSince1970: TimeInterval(timegm(&t)))
    }
}
