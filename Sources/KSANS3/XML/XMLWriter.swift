import Foundation

/// Builds an S3 XML response document.
public struct XMLWriter: Sendable {
    private(set) var buffer = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// Starts a document.
    public init() {}

    /// Opens an element, with the S3 namespace on the root element when `namespace` is true.
    public mutating func open(_ name: String, namespace: Bool = false) {
        buffer += namespace ? "<\(name) xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" : "<\(name)>"
    }

    /// Closes an element.
    public mutating func close(_ name: String) {
        buffer += "</\(name)>"
    }

    /// Writes `<name>value</name>` with the value escaped.
    public mutating func element(_ name: String, _ value: String) {
        buffer += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// Writes escaped character data.
    public mutating func text(_ value: String) {
        buffer += Self.escape(value)
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
    public var document: String { buffer }

    /// Escapes text for XML content.
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Characters XML 1.0 cannot carry are written as character references (XML 1.1 style, as S3 does).
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
                    out += "&#\(scalar.value);"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// ISO 8601 with milliseconds, as S3 writes `LastModified` in XML.
    public static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let ms = Int(millis % 1000)
        let tm = HTTPDate.brokenDown(time_t(millis / 1000))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
            Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), ms)
    }
}
