import Foundation
import NIOCore

/// Builds an S3 XML response document as UTF-8 bytes, in the buffer that becomes the response body.
///
/// Listings write thousands of elements per response, so the writer appends bytes to one buffer (sized up front by
/// the caller that knows how much it writes, so that it is not copied as it grows): names and values that need no
/// escaping (nearly all) are copied as they are, and numbers and timestamps are formatted into a few bytes on the
/// stack and appended at once, without Foundation.
public struct XMLWriter: Sendable {
    private(set) var buffer: ByteBuffer

    /// Starts a document in a buffer of `capacity` bytes (it grows past that if needed).
    public init(capacity: Int = 4096) {
        buffer = ByteBufferAllocator().buffer(capacity: max(capacity, 64))
        markup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    }

    /// Opens an element, with the S3 namespace on the root element when `namespace` is true.
    public mutating func open(_ name: String, namespace: Bool = false) {
        buffer.writeInteger(UInt8(ascii: "<"))
        append(name)
        if namespace { markup(" xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"") }
        buffer.writeInteger(UInt8(ascii: ">"))
    }

    /// Closes an element.
    public mutating func close(_ name: String) {
        markup("</")
        append(name)
        buffer.writeInteger(UInt8(ascii: ">"))
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
        markup("&quot;")
        text(value)
        markup("&quot;")
        close(name)
    }

    /// Writes `<name>timestamp</name>` in the form of ``timestamp(_:)``.
    public mutating func element(_ name: String, timestamp date: Date) {
        open(name)
        timestamp(date)
        close(name)
    }

    /// Appends markup written in the code, as it is: the hot loops of listings write their fixed tags with this.
    public mutating func markup(_ markup: StaticString) {
        markup.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    /// Appends a timestamp in the form of ``timestamp(_:)`` as character data.
    public mutating func timestamp(_ date: Date) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.timestampLength) { out in
            Self.formatTimestamp(date, into: out)
            _ = buffer.writeBytes(UnsafeBufferPointer(out))
        }
    }

    /// Appends a decimal integer as character data.
    public mutating func integer(_ value: Int64) {
        // 19 digits and a sign at most.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { out in
            var rest = value.magnitude
            var start = out.count
            repeat {
                start -= 1
                out[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            if value < 0 {
                start -= 1
                out[start] = UInt8(ascii: "-")
            }
            _ = buffer.writeBytes(UnsafeBufferPointer(rebasing: out[start...]))
        }
    }

    /// Writes escaped character data.
    public mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: Self.needsEscape) {
                buffer.writeBytes(utf8)
            } else {
                Self.appendEscaped(utf8, to: &buffer)
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
    public var document: String { String(buffer: buffer) }

    /// The document in a buffer, for a response body (the writer's own buffer, not a copy).
    public var byteBuffer: ByteBuffer { buffer }

    /// Appends markup that needs no escaping.
    private mutating func append(_ markup: String) {
        buffer.writeString(markup)
    }

    /// Escapes text for XML content.
    public static func escape(_ value: String) -> String {
        var out = ByteBufferAllocator().buffer(capacity: value.utf8.count)
        var value = value
        value.withUTF8 { appendEscaped($0, to: &out) }
        return String(buffer: out)
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
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout ByteBuffer) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.writeStaticString("&amp;")
            case UInt8(ascii: "<"): out.writeStaticString("&lt;")
            case UInt8(ascii: ">"): out.writeStaticString("&gt;")
            case UInt8(ascii: "\""): out.writeStaticString("&quot;")
            case UInt8(ascii: "'"): out.writeStaticString("&apos;")
            case let control where needsEscape(control): out.writeString("&#\(control);")
            default: out.writeInteger(byte)
            }
        }
    }

    /// ISO 8601 with milliseconds, as S3 writes `LastModified` in XML.
    public static func timestamp(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: timestampLength) { out in
            formatTimestamp(date, into: out)
            return timestampLength
        }
    }

    /// The length of `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static let timestampLength = 24

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC) for a date in years 0...9999 into the first ``timestampLength`` bytes
    /// of `out`.
    static func formatTimestamp(_ date: Date, into out: UnsafeMutableBufferPointer<UInt8>) {
        // Whole microseconds first (the database's precision), so that a time stored as 0.386 s and read back as
        // 0.38599999… s is not written as .385; then truncated to milliseconds, as S3 writes them.
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (millis, _) = floorDivide(micros, by: 1000)
        let (seconds, ms) = floorDivide(millis, by: 1000)
        let (days, secondOfDay) = floorDivide(seconds, by: 86_400)
        let (year, month, day) = CivilDate.civil(fromDays: Int(days))
        digits(Int64(min(max(year, 0), 9999)), count: 4, at: 0, in: out)
        out[4] = UInt8(ascii: "-")
        digits(Int64(month), count: 2, at: 5, in: out)
        out[7] = UInt8(ascii: "-")
        digits(Int64(day), count: 2, at: 8, in: out)
        out[10] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, count: 2, at: 11, in: out)
        out[13] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, count: 2, at: 14, in: out)
        out[16] = UInt8(ascii: ":")
        digits(secondOfDay % 60, count: 2, at: 17, in: out)
        out[19] = UInt8(ascii: ".")
        digits(ms, count: 3, at: 20, in: out)
        out[23] = UInt8(ascii: "Z")
    }

    /// Writes a non-negative number as exactly `count` decimal digits, zero-padded, at `offset`.
    private static func digits(
        _ value: Int64, count: Int, at offset: Int, in out: UnsafeMutableBufferPointer<UInt8>
    ) {
        var rest = value
        for index in stride(from: offset + count - 1, through: offset, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    /// The quotient rounded toward negative infinity, and the remainder that goes with it (never negative).
    private static func floorDivide(_ value: Int64, by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
