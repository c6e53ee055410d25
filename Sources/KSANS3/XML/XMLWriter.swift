import Foundation
import NIOCore

/// Builds an S3 XML response document as UTF-8 bytes.
///
/// Listings write thousands of elements per response, so the writer appends bytes: names and values that need no
/// escaping (nearly all) are copied as they are, and timestamps are formatted without Foundation.
public struct XMLWriter: Sendable {
    private(set) var bytes: [UInt8]

    /// Starts a document.
    public init() {
        bytes = []
        bytes.reserveCapacity(4096)
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    /// Opens an element, with the S3 namespace on the root element when `namespace` is true.
    public mutating func open(_ name: String, namespace: Bool = false) {
        bytes.append(UInt8(ascii: "<"))
        append(name)
        if namespace { append(" xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"") }
        bytes.append(UInt8(ascii: ">"))
    }

    /// Closes an element.
    public mutating func close(_ name: String) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        append(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// Writes `<name>value</name>` with the value escaped.
    public mutating func element(_ name: String, _ value: String) {
        open(name)
        text(value)
        close(name)
    }

    /// Writes `<name>value</name>` for an integer.
    public mutating func element(_ name: String, integer value: Int64) {
        open(name)
        integer(value)
        close(name)
    }

    /// Writes `<name>"value"</name>`, the quotes escaped as S3 writes an ETag.
    public mutating func element(_ name: String, quoted value: String) {
        open(name)
        append("&quot;")
        text(value)
        append("&quot;")
        close(name)
    }

    /// Writes `<name>timestamp</name>` in the form of ``timestamp(_:)``.
    public mutating func element(_ name: String, timestamp date: Date) {
        open(name)
        Self.appendTimestamp(date, to: &bytes)
        close(name)
    }

    /// Appends markup written in the code, as it is: the hot loops of listings write their fixed tags with this.
    public mutating func markup(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a timestamp in the form of ``timestamp(_:)`` as character data.
    public mutating func timestamp(_ date: Date) {
        Self.appendTimestamp(date, to: &bytes)
    }

    /// Appends a decimal integer as character data.
    public mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var divisor: UInt64 = 1
        while divisor <= rest / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Writes escaped character data.
    public mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: Self.needsEscape) {
                bytes.append(contentsOf: utf8)
            } else {
                Self.appendEscaped(utf8, to: &bytes)
            }
        }
    }

    /// Writes an element when the value is present.
    public mutating func element(_ name: String, ifPresent value: String?) {
        if let value { element(name, value) }
    }

    /// Writes `<name>` with nested content.
    public mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    /// The document.
    public var document: String { String(decoding: bytes, as: UTF8.self) }

    /// The document in a buffer, for a response body.
    public var byteBuffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// Appends markup that needs no escaping.
    private mutating func append(_ markup: String) {
        var markup = markup
        markup.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Escapes text for XML content.
    public static func escape(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var value = value
        value.withUTF8 { appendEscaped($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a UTF-8 byte of text must be written as a reference: the five XML specials, and the control characters
    /// other than tab, newline and carriage return.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        case 0x09, 0x0A, 0x0D: false
        default: byte < 0x20
        }
    }

    /// Appends UTF-8 text with the specials as entities. Control characters XML 1.0 cannot carry are written as
    /// character references (XML 1.1 style, as S3 does). A UTF-8 byte of a multi-byte scalar is never below 0x80, so
    /// escaping byte by byte leaves every other scalar whole.
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&apos;".utf8)
            case let control where needsEscape(control):
                out.append(contentsOf: "&#\(control);".utf8)
            default: out.append(byte)
            }
        }
    }

    /// ISO 8601 with milliseconds, as S3 writes `LastModified` in XML.
    public static func timestamp(_ date: Date) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendTimestamp(date, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC) for a date in years 0...9999.
    static func appendTimestamp(_ date: Date, to out: inout [UInt8]) {
        // Whole microseconds first (the database's precision), so that a time stored as 0.386 s and read back as
        // 0.38599999… s is not written as .385; then truncated to milliseconds, as S3 writes them.
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (millis, _) = floorDivide(micros, by: 1000)
        let (seconds, ms) = floorDivide(millis, by: 1000)
        let (days, secondOfDay) = floorDivide(seconds, by: 86_400)
        let (year, month, day) = CivilDate.civil(fromDays: Int(days))
        appendDigits(Int64(min(max(year, 0), 9999)), count: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int64(month), count: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int64(day), count: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(ms, count: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Appends a non-negative number as exactly `count` decimal digits, zero-padded.
    private static func appendDigits(_ value: Int64, count: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The quotient rounded toward negative infinity, and the remainder that goes with it (never negative).
    private static func floorDivide(_ value: Int64, by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
