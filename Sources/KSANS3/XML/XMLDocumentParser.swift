/// A strict, bounded parser of the small XML documents S3 requests carry (DeleteObjects, CompleteMultipartUpload,
/// CreateBucketConfiguration, ...), producing an ``XMLNode`` tree.
///
/// It is written for hostile input: it never recurses, nests at most ``Limits/maxDepth`` elements, builds at most
/// ``Limits/maxElements`` of them, and refuses anything that is not a well-formed XML 1.0 document with exactly one
/// root element. There is no recovery: two roots, trailing text after the root, a mismatched end tag, a bare `&`
/// or `<`, an unknown entity, a character that XML 1.0 does not allow (NUL and most control characters), invalid
/// UTF-8, or any `<!DOCTYPE` (no DTDs, hence no entity expansion) all fail with `MalformedXML`.
///
/// Supported: an optional UTF-8 byte order mark and XML declaration, comments, processing instructions, CDATA
/// sections, attributes (checked, then ignored), namespace prefixes (stripped from element names), the five
/// predefined entities and character references. Line ends in text are normalised to `\n`, as XML requires.
public struct XMLDocumentParser {
    /// The bounds a document must stay within.
    public struct Limits: Sendable {
        /// The deepest nesting of elements (the root is depth 1). S3's request documents need 4.
        public var maxDepth: Int = 32
        /// The most elements in one document (CompleteMultipartUpload with 10,000 parts and checksums needs
        /// about 40,000).
        public var maxElements: Int = 65_536

        /// The default limits.
        public init() {}
    }

    private let bytes: [UInt8]
    private let limits: Limits
    private var position = 0
    private var stack: [(qualifiedName: ArraySlice<UInt8>, node: XMLNode)] = []
    private var elements = 0
    private var root: XMLNode?

    private init(_ bytes: [UInt8], limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Parses a whole document.
    /// - Throws: `MalformedXML` for anything but one well-formed document within `limits`.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(S3Error) -> XMLNode {
        var parser = XMLDocumentParser(bytes, limits: limits)
        return try parser.document()
    }

    private static var malformed: S3Error { S3Error(.malformedXML) }

    // MARK: Document structure

    private mutating func document() throws(S3Error) -> XMLNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if starts(with: "<?xml") && position + 5 < bytes.count && Self.isSpace(bytes[position + 5]) {
            try skipPast("?>")
        }
        try misc()
        guard starts(with: "<"), !starts(with: "</") else { throw Self.malformed }
        try element()
        while !stack.isEmpty { try content() }
        try misc()
        guard position == bytes.count, let root else { throw Self.malformed }
        return root
    }

    /// Whitespace, comments and processing instructions, outside the root element.
    private mutating func misc() throws(S3Error) {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isSpace(byte) {
                position += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else {
                return
            }
        }
    }

    /// What may appear inside the innermost open element, up to and including the next tag.
    private mutating func content() throws(S3Error) {
        guard position < bytes.count else { throw Self.malformed }
        if starts(with: "</") {
            try endTag()
        } else if starts(with: "<!--") {
            try comment()
        } else if starts(with: "<![CDATA[") {
            position += 9
            let start = position
            try skipPast("]]>")
            try appendText(bytes[start..<(position - 3)], raw: true)
        } else if starts(with: "<?") {
            try processingInstruction()
        } else if starts(with: "<!") {
            throw Self.malformed  // DOCTYPE or other declarations: not in S3 request documents
        } else if bytes[position] == UInt8(ascii: "<") {
            try element()
        } else {
            try characterData()
        }
    }

    // MARK: Tags

    /// A start tag (or an empty-element tag) at `<`.
    private mutating func element() throws(S3Error) {
        position += 1
        let name = try qualifiedName()
        elements += 1
        guard elements <= limits.maxElements, stack.count < limits.maxDepth else { throw Self.malformed }
        var attributes: [ArraySlice<UInt8>] = []
        while true {
            let hadSpace = skipSpaces()
            guard position < bytes.count else { throw Self.malformed }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                stack.append((name, XMLNode(name: Self.localName(name), text: "", children: [])))
                return
            }
            if starts(with: "/>") {
                position += 2
                close(XMLNode(name: Self.localName(name), text: "", children: []))
                return
            }
            guard hadSpace else { throw Self.malformed }
            let attribute = try qualifiedName()
            guard !attributes.contains(where: { $0.elementsEqual(attribute) }) else { throw Self.malformed }
            attributes.append(attribute)
            _ = skipSpaces()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw Self.malformed }
            position += 1
            _ = skipSpaces()
            try attributeValue()
        }
    }

    /// A quoted attribute value: checked for well-formedness and discarded.
    private mutating func attributeValue() throws(S3Error) {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
        else { throw Self.malformed }
        let quote = bytes[position]
        position += 1
        var scratch: [UInt8] = []
        while true {
            guard position < bytes.count else { throw Self.malformed }
            let byte = bytes[position]
            if byte == quote {
                position += 1
                return
            }
            if byte == UInt8(ascii: "<") { throw Self.malformed }
            if byte == UInt8(ascii: "&") {
                try reference(into: &scratch)
                scratch.removeAll(keepingCapacity: true)
            } else {
                try scalar(into: &scratch)
                scratch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// An end tag at `</`, which must close the innermost open element.
    private mutating func endTag() throws(S3Error) {
        position += 2
        let name = try qualifiedName()
        _ = skipSpaces()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ">"), let open = stack.popLast(),
            open.qualifiedName.elementsEqual(name)
        else { throw Self.malformed }
        position += 1
        close(open.node)
    }

    /// Attaches a finished element to its parent, or makes it the root.
    private mutating func close(_ node: XMLNode) {
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].node.children.append(node)
        }
    }

    /// An XML name (ASCII letters, digits, `_`, `-`, `.`, `:` and any non-ASCII letter; not starting with a digit,
    /// `-` or `.`), returned as its bytes.
    private mutating func qualifiedName() throws(S3Error) -> ArraySlice<UInt8> {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isStart = Self.isNameStart(byte)
            let isName =
                isStart || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
            if position == start ? !isStart : !isName { break }
            position += 1
        }
        guard position > start else { throw Self.malformed }
        let name = bytes[start..<position]
        guard String(validating: name, as: UTF8.self) != nil else { throw Self.malformed }
        return name
    }

    /// The name without its namespace prefix.
    private static func localName(_ name: ArraySlice<UInt8>) -> String {
        let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
        return String(decoding: local.isEmpty ? name : local, as: UTF8.self)
    }

    // MARK: Text

    /// Character data up to the next `<`, with references resolved.
    private mutating func characterData() throws(S3Error) {
        var text: [UInt8] = []
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") {
            if bytes[position] == UInt8(ascii: "&") {
                try reference(into: &text)
            } else if starts(with: "]]>") {
                throw Self.malformed
            } else {
                try scalar(into: &text)
            }
        }
        try appendText(text[...], raw: false)
    }

    /// Adds text to the innermost open element; `raw` text (CDATA) is still checked for allowed characters.
    private mutating func appendText(_ text: ArraySlice<UInt8>, raw: Bool) throws(S3Error) {
        var checked: [UInt8]
        if raw {
            checked = []
            checked.reserveCapacity(text.count)
            var inner = XMLDocumentParser(Array(text), limits: limits)
            while inner.position < inner.bytes.count { try inner.scalar(into: &checked) }
        } else {
            checked = Array(text)
        }
        guard !stack.isEmpty else { throw Self.malformed }
        stack[stack.count - 1].node.text += String(decoding: checked, as: UTF8.self)
    }

    /// One UTF-8 encoded scalar at `position`, validated as an XML 1.0 character, appended to `out` with line ends
    /// normalised (`\r\n` and a lone `\r` become `\n`).
    private mutating func scalar(into out: inout [UInt8]) throws(S3Error) {
        let first = bytes[position]
        if first < 0x80 {
            guard first >= 0x20 || first == 0x09 || first == 0x0A || first == 0x0D else { throw Self.malformed }
            position += 1
            if first == 0x0D {
                if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                out.append(0x0A)
            } else {
                out.append(first)
            }
            return
        }
        let length: Int
        var value: UInt32
        switch first {
        case 0xC2...0xDF: (length, value) = (2, UInt32(first & 0x1F))
        case 0xE0...0xEF: (length, value) = (3, UInt32(first & 0x0F))
        case 0xF0...0xF4: (length, value) = (4, UInt32(first & 0x07))
        default: throw Self.malformed
        }
        guard position + length <= bytes.count else { throw Self.malformed }
        for offset in 1..<length {
            let next = bytes[position + offset]
            guard next & 0xC0 == 0x80 else { throw Self.malformed }
            value = value << 6 | UInt32(next & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, Self.isXMLCharacter(value) else { throw Self.malformed }
        out.append(contentsOf: bytes[position..<(position + length)])
        position += length
    }

    /// An entity or character reference at `&`, resolved into `out`.
    private mutating func reference(into out: inout [UInt8]) throws(S3Error) {
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: ";") {
            guard position - start < 16 else { throw Self.malformed }
            position += 1
        }
        guard position < bytes.count else { throw Self.malformed }
        let name = bytes[start..<position]
        position += 1
        switch String(decoding: name, as: UTF8.self) {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        case let text where text.hasPrefix("#x"):
            try appendCharacter(UInt32(text.dropFirst(2), radix: 16), into: &out)
        case let text where text.hasPrefix("#"):
            try appendCharacter(UInt32(text.dropFirst(1), radix: 10), into: &out)
        default:
            throw Self.malformed
        }
    }

    /// A character reference's scalar, which must be an XML 1.0 character, as UTF-8.
    private func appendCharacter(_ value: UInt32?, into out: inout [UInt8]) throws(S3Error) {
        guard let value, Self.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
            throw Self.malformed
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    // MARK: Skipped constructs

    private mutating func comment() throws(S3Error) {
        position += 4
        let start = position
        try skipPast("-->")
        // `--` may not appear inside a comment.
        let body = bytes[start..<(position - 3)]
        if body.last == UInt8(ascii: "-") { throw Self.malformed }
        var previous: UInt8 = 0
        for byte in body {
            if byte == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { throw Self.malformed }
            previous = byte
        }
        var scratch: [UInt8] = []
        var inner = XMLDocumentParser(Array(body), limits: limits)
        while inner.position < inner.bytes.count {
            try inner.scalar(into: &scratch)
            scratch.removeAll(keepingCapacity: true)
        }
    }

    private mutating func processingInstruction() throws(S3Error) {
        position += 2
        let name = try qualifiedName()
        // `<?xml ...?>` is only allowed at the very start of the document.
        if name.count == 3, String(decoding: name, as: UTF8.self).lowercased() == "xml" { throw Self.malformed }
        try skipPast("?>")
    }

    // MARK: Scanning

    /// Moves past the next occurrence of `terminator`; MalformedXML if there is none.
    private mutating func skipPast(_ terminator: StaticString) throws(S3Error) {
        let needle = terminator.utf8Start
        let count = terminator.utf8CodeUnitCount
        while position + count <= bytes.count {
            var matched = 0
            while matched < count && bytes[position + matched] == needle[matched] { matched += 1 }
            if matched == count {
                position += count
                return
            }
            position += 1
        }
        throw Self.malformed
    }

    /// Whether the bytes at `position` are `text`.
    private func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = text.utf8Start
        for offset in 0..<count where bytes[position + offset] != start[offset] { return false }
        return true
    }

    /// Skips XML whitespace; whether there was any.
    private mutating func skipSpaces() -> Bool {
        let start = position
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        return position > start
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    /// XML 1.0's `Char`: tab, line feed, carriage return, and the scalars from U+0020 except surrogates, U+FFFE
    /// and U+FFFF.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
