import Foundation
import NIOCore

/// A streaming parser of the `multipart/form-data` body of an S3 POST Object (browser-based upload) request.
///
/// The body arrives in arbitrary pieces. ``readFields()`` reads the form fields that precede the `file` field, each
/// at most `maxFieldBytes` long; ``fileBytes()`` then streams the file's content up to the delimiter that ends it,
/// holding back at most the delimiter's length. Fields after the file are never read, as S3 ignores them.
///
/// Framing follows RFC 7578 and RFC 2046: an optional preamble, then parts introduced by `--boundary` lines (transport
/// padding allowed), each with its headers, an empty line and its content, and a closing `--boundary--`. Every
/// framing problem, a field longer than `maxFieldBytes`, more than `maxFields` fields, a repeated field, a value that
/// is not UTF-8, and a body without a `file` field are `MalformedPOSTRequest`. Errors of the base sequence are
/// rethrown unchanged.
public struct MultipartFormParser<Base: AsyncSequence & Sendable> where Base.Element == ByteBuffer {
    /// The longest header block of one part.
    static var maxPartHeaderBytes: Int { 16 * 1024 }
    /// The most transport padding (spaces and tabs) accepted after a boundary.
    static var maxPaddingBytes: Int { 1024 }

    /// The largest value of one field, in bytes.
    public let maxFieldBytes: Int
    /// The most fields accepted before the `file` field.
    public let maxFields: Int
    /// The most bytes of the body before the file's content (fields, part headers, boundaries): S3's 20 KB. Read
    /// before the form's signature is checked, so this bounds what an anonymous request costs.
    public let maxPreDataBytes: Int
    /// `CRLF--boundary`, which ends every part's content.
    let delimiter: [UInt8]

    private var iterator: Base.AsyncIterator
    /// Bytes received and not yet consumed.
    private var buffer: ByteBuffer
    /// Bytes received from the body so far.
    private var received = 0
    /// Whether ``readFields()`` found the `file` part, so that ``buffer`` starts at the file's content.
    private var atFileContent = false
    private var fieldsRead = false

    /// Creates a parser of `body`, whose boundary is taken from `contentType`.
    ///
    /// - Parameters:
    ///   - contentType: The request's `Content-Type`, `multipart/form-data; boundary=...`.
    ///   - body: The request body as received.
    ///   - maxFieldBytes: The largest value accepted for one field.
    ///   - maxFields: The most fields accepted before the `file` field.
    ///   - maxPreDataBytes: The most bytes before the file's content.
    /// - Throws: `MalformedPOSTRequest` when the content type is not `multipart/form-data` or has no valid boundary.
    public init(
        contentType: String, body: Base, maxFieldBytes: Int = 20 * 1024, maxFields: Int = 100,
        maxPreDataBytes: Int = 20 * 1024
    ) throws(S3Error) {
        guard let boundary = Self.boundary(contentType: contentType) else {
            throw S3Error.malformedPOST
        }
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
        self.maxPreDataBytes = maxPreDataBytes
        self.delimiter = Array("\r\n--".utf8) + boundary
        self.iterator = body.makeAsyncIterator()
        // A virtual CRLF, so that a boundary at the very start of the body is found like any other delimiter.
        self.buffer = ByteBuffer(bytes: [13, 10])
    }

    /// The boundary of a `multipart/form-data` content type (1 to 70 characters, possibly quoted), or nil.
    static func boundary(contentType: String) -> [UInt8]? {
        let (type, parameters) = headerParameters(contentType)
        guard type.lowercased() == "multipart/form-data", let boundary = parameters["boundary"],
            (1...70).contains(boundary.utf8.count)
        else {
            return nil
        }
        return Array(boundary.utf8)
    }

    // MARK: Fields

    /// Reads the form fields that precede the `file` field.
    ///
    /// Returns them with names lower-cased (S3 treats them case-insensitively) and values decoded as UTF-8, with the
    /// file part's `filename` and `Content-Type` when given. Call it once, before ``fileBytes()``.
    public mutating func readFields() async throws -> (
        fields: [String: String], fileName: String?, fileContentType: String?
    ) {
        guard !fieldsRead else {
            throw S3Error.malformedPOST
        }
        fieldsRead = true
        // The preamble, before the first boundary, is ignored.
        _ = try await readUntilDelimiter(limit: fieldLimit())
        var fields: [String: String] = [:]
        while true {
            guard try await readBoundaryLineEnd() else {
                // The closing delimiter came before any `file` part.
                throw S3Error.malformedPOST
            }
            let headers = try await readPartHeaders()
            try checkPreDataLength()
            guard let disposition = headers["content-disposition"] else {
                throw S3Error.malformedPOST
            }
            let (type, parameters) = Self.headerParameters(disposition)
            guard type.lowercased() == "form-data", let rawName = parameters["name"], !rawName.isEmpty else {
                throw S3Error.malformedPOST
            }
            let name = rawName.lowercased()
            if name == "file" {
                atFileContent = true
                return (fields, parameters["filename"], headers["content-type"])
            }
            guard fields.count < maxFields, fields[name] == nil else {
                throw S3Error.malformedPOST
            }
            let value = try await readUntilDelimiter(limit: fieldLimit())
            try checkPreDataLength()
            guard let text = String(bytes: value.readableBytesView, encoding: .utf8) else {
                throw S3Error.malformedPOST
            }
            fields[name] = text
        }
    }

    /// The file's content, ending at the delimiter that closes the `file` part.
    ///
    /// Call it once, after ``readFields()`` has returned: the sequence continues reading the body where the fields
    /// ended. It never holds more than one received piece plus the delimiter's length, and throws
    /// `MalformedPOSTRequest` if the body ends before the delimiter (or if ``readFields()`` did not succeed).
    public func fileBytes() -> MultipartFileBytes<Base> {
        MultipartFileBytes(iterator: iterator, buffer: buffer, delimiter: delimiter, isValid: atFileContent)
    }

    // MARK: Framing

    /// Bytes of the body consumed so far (the buffer starts with a virtual CRLF that is not in the body).
    private var consumed: Int { max(0, received - buffer.readableBytes) }

    /// The longest field that still fits the pre-data budget, which bounds what ``readUntilDelimiter(limit:)``
    /// buffers.
    private func fieldLimit() -> Int {
        max(0, min(maxFieldBytes, maxPreDataBytes - consumed))
    }

    /// MaxPostPreDataLengthExceeded once more than ``maxPreDataBytes`` of the body were consumed before the file.
    private func checkPreDataLength() throws(S3Error) {
        guard consumed <= maxPreDataBytes else { throw S3Error.postPreDataTooLarge(limit: maxPreDataBytes) }
    }

    /// Reads the next piece of the body into ``buffer``; false at the end of the body.
    private mutating func fill() async throws -> Bool {
        guard let chunk = try await iterator.next() else {
            return false
        }
        received += chunk.readableBytes
        buffer.appendMultipartChunk(chunk)
        return true
    }

    /// Waits until at least `count` bytes are buffered; throws at the end of the body.
    private mutating func require(_ count: Int) async throws {
        while buffer.readableBytes < count {
            guard try await fill() else {
                throw S3Error.malformedPOST
            }
        }
    }

    /// Returns the bytes before the next delimiter (at most `limit` of them) and consumes the delimiter.
    private mutating func readUntilDelimiter(limit: Int) async throws -> ByteBuffer {
        // Past a limit set by the pre-data budget, the fields are too large; past the field limit, malformed.
        let tooLong = limit < maxFieldBytes ? S3Error.postPreDataTooLarge(limit: maxPreDataBytes) : .malformedPOST
        var searchFrom = 0
        while true {
            if let offset = buffer.multipartOffset(of: delimiter, from: searchFrom) {
                guard offset <= limit, let value = buffer.readSlice(length: offset) else {
                    throw tooLong
                }
                buffer.moveReaderIndex(forwardBy: delimiter.count)
                return value
            }
            guard buffer.readableBytes < limit + delimiter.count else {
                throw tooLong
            }
            searchFrom = max(0, buffer.readableBytes - delimiter.count + 1)
            guard try await fill() else {
                throw S3Error.malformedPOST
            }
        }
    }

    /// Reads what follows a delimiter: transport padding, then CRLF (another part follows: true) or `--` (the
    /// closing delimiter: false).
    private mutating func readBoundaryLineEnd() async throws -> Bool {
        var padding = 0
        while true {
            try await require(2)
            let first = buffer.readableBytesView.first!
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                padding += 1
                guard padding <= Self.maxPaddingBytes else {
                    throw S3Error.malformedPOST
                }
                buffer.moveReaderIndex(forwardBy: 1)
                continue
            }
            let second = buffer.readableBytesView.dropFirst().first!
            if first == UInt8(ascii: "-"), second == UInt8(ascii: "-"), padding == 0 {
                return false
            }
            guard first == 13, second == 10 else {
                throw S3Error.malformedPOST
            }
            buffer.moveReaderIndex(forwardBy: 2)
            return true
        }
    }

    /// Reads a part's header block and the empty line after it; names are lower-cased, folded lines unfolded.
    private mutating func readPartHeaders() async throws -> [String: String] {
        try await require(2)
        if buffer.readableBytesView.starts(with: [13, 10]) {
            buffer.moveReaderIndex(forwardBy: 2)
            return [:]
        }
        let terminator: [UInt8] = [13, 10, 13, 10]
        var searchFrom = 0
        var block: ByteBuffer
        while true {
            if let offset = buffer.multipartOffset(of: terminator, from: searchFrom) {
                block = buffer.readSlice(length: offset)!
                buffer.moveReaderIndex(forwardBy: terminator.count)
                break
            }
            guard buffer.readableBytes <= Self.maxPartHeaderBytes else {
                throw S3Error.malformedPOST
            }
            searchFrom = max(0, buffer.readableBytes - terminator.count + 1)
            guard try await fill() else {
                throw S3Error.malformedPOST
            }
        }
        guard let text = String(bytes: block.readableBytesView, encoding: .utf8) else {
            throw S3Error.malformedPOST
        }
        var lines: [String] = []
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingSpaces()
            } else {
                lines.append(String(line))
            }
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw S3Error.malformedPOST
            }
            let name = line[..<colon].trimmingSpaces().lowercased()
            guard !name.isEmpty else {
                throw S3Error.malformedPOST
            }
            headers[name] = line[line.index(after: colon)...].trimmingSpaces()
        }
        return headers
    }

    // MARK: Header parameters

    /// Splits `type; name=value; name="quoted \"value\""` into the leading value and its parameters (names
    /// lower-cased, quotes and escapes removed). Semicolons inside quotes do not split.
    static func headerParameters(_ header: String) -> (value: String, parameters: [String: String]) {
        var segments: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                current.append(character)
                quoted.toggle()
            } else if character == ";" && !quoted {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        let value = segments[0].trimmingSpaces()
        var parameters: [String: String] = [:]
        for segment in segments.dropFirst() {
            guard let equals = segment.firstIndex(of: "=") else {
                continue
            }
            let name = segment[..<equals].trimmingSpaces().lowercased()
            var raw = Substring(segment[segment.index(after: equals)...].trimmingSpaces())
            if raw.count >= 2, raw.first == "\"", raw.last == "\"" {
                raw = raw.dropFirst().dropLast()
                var unescaped = ""
                var escaping = false
                for character in raw {
                    if !escaping && character == "\\" {
                        escaping = true
                    } else {
                        unescaped.append(character)
                        escaping = false
                    }
                }
                raw = Substring(unescaped)
            }
            if parameters[name] == nil {
                parameters[name] = String(raw)
            }
        }
        return (value, parameters)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...last])
    }
}

extension ByteBuffer {
    /// The offset, from the reader index, of the first occurrence of `needle` at or after `start`, or nil.
    func multipartOffset(of needle: [UInt8], from start: Int = 0) -> Int? {
        withUnsafeReadableBytes { haystack in
            let count = haystack.count
            let length = needle.count
            guard length > 0, start >= 0, count - start >= length else {
                return nil
            }
            let first = needle[0]
            var index = start
            while index <= count - length {
                if haystack[index] == first {
                    var matched = 1
                    while matched < length && haystack[index + matched] == needle[matched] {
                        matched += 1
                    }
                    if matched == length {
                        return index
                    }
                }
                index += 1
            }
            return nil
        }
    }

    /// Appends a received piece, first dropping the bytes already read so that the storage stays bounded.
    mutating func appendMultipartChunk(_ chunk: ByteBuffer) {
        if readableBytes == 0 {
            self = chunk
        } else {
            discardReadBytes()
            writeImmutableBuffer(chunk)
        }
    }
}
