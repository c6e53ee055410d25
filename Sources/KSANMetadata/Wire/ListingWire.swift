import NIOCore

/// A listing page in the metadata service's binary form (`application/vnd.ksan.listing`).
///
/// Listing pages are the largest answers the gateway asks for on a hot path: a thousand entries per S3 request.
/// Encoding and decoding them as JSON through `Codable` cost more than the database query, so the two listing routes
/// answer in this form when the caller's `Accept` asks for it (JSON otherwise, for people with curl). The form is
/// private to this package's client and service, which are always of one version: a field added is a new
/// ``formatVersion``, and a page of another version is refused, never guessed at.
///
/// Layout: integers are big-endian; a string is its UTF-8 length (`UInt32`) then its bytes; an optional string is a
/// `UInt8` 0 (absent) or 1 followed by the string; a date is the bit pattern of its `timeIntervalSince1970` as a
/// `UInt64`, so it round-trips exactly. A page is its entries (a count, then each), its common prefixes, then
/// whether it is truncated and its next markers: in that order the metadata service writes a page straight from the
/// statement's arrays (``ObjectColumns``), learning the markers last. A string is stored in a PostgreSQL array as
/// it is here (a 4-byte length, then the bytes), so the service copies an entry's strings without reading them.
public protocol ListingWire: Sendable {
    /// Appends the page to a buffer.
    func write(to buffer: inout ByteBuffer)
    /// About the bytes ``write(to:)`` writes, so that the page's buffer is made once.
    var wireCapacity: Int { get }
    /// Reads a page written by ``write(to:)``.
    init(reading buffer: inout ByteBuffer) throws(ListingWireError)
}

extension ListingWire {
    /// The media type of the binary form.
    public static var mediaType: String { "application/vnd.ksan.listing" }

    /// The version of the form written first in every page.
    static var formatVersion: UInt8 { 2 }

    /// The page as a buffer, its version first.
    public func wireBuffer() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 1 + wireCapacity)
        buffer.writeInteger(Self.formatVersion)
        write(to: &buffer)
        return buffer
    }

    /// Decodes a whole page written by ``wireBuffer()``; bytes left over are an error.
    public init(wire: ByteBuffer) throws(ListingWireError) {
        var buffer = wire
        let version = try buffer.readWire(UInt8.self)
        guard version == Self.formatVersion else { throw ListingWireError("format version \(version)") }
        try self.init(reading: &buffer)
        guard buffer.readableBytes == 0 else { throw ListingWireError("\(buffer.readableBytes) bytes after the page") }
    }
}
