import Foundation
import PostgresNIO

/// A one-dimensional PostgreSQL array cell in its binary form, read element by element.
///
/// A listing page comes back as one row of arrays of a thousand elements each. PostgresNIO's `[Element]` decoding
/// goes through generic code for every element, which cost a fifth of the metadata service's CPU per page; this
/// reads the form directly (a header, then each element as its length and its bytes) for the few element types
/// listings use.
struct BinaryArray {
    /// The elements not read yet.
    private var buffer: ByteBuffer
    /// The number of elements.
    let count: Int
    /// The bytes of the elements (what copying them takes, about).
    var byteCount: Int { buffer.readableBytes }

    /// The array of a cell whose elements are of one of `types`; a NULL cell is an empty array.
    /// - Throws: ``MetadataError`` `.internal` for a cell that is not such an array.
    init(_ cell: PostgresCell, of types: [PostgresDataType]) throws {
        guard var bytes = cell.bytes else {
            (buffer, count) = (ByteBuffer(), 0)
            return
        }
        guard cell.format == .binary, let dimensions = bytes.readInteger(as: Int32.self),
            bytes.readInteger(as: Int32.self) != nil, let element = bytes.readInteger(as: UInt32.self),
            types.contains(PostgresDataType(element))
        else { throw Self.unreadable(cell) }
        switch dimensions {
        case 0:
            count = 0
        case 1:
            guard let length = bytes.readInteger(as: Int32.self), length >= 0, bytes.readInteger(as: Int32.self) != nil,
                Int(length) <= bytes.readableBytes / 4
            else { throw Self.unreadable(cell) }
            count = Int(length)
        default:
            throw Self.unreadable(cell)
        }
        buffer = bytes
    }

    /// The next element's bytes; NULL elements are refused (listings aggregate none).
    private mutating func element() throws -> ByteBuffer {
        guard let length = buffer.readInteger(as: Int32.self), length >= 0,
            let bytes = buffer.readSlice(length: Int(length))
        else { throw MetadataError(.internal, "a listing array element that cannot be read") }
        return bytes
    }

    /// The next element, of a text type.
    mutating func string() throws -> String {
        var bytes = try element()
        return bytes.readString(length: bytes.readableBytes) ?? ""
    }

    /// The next element, a `bigint`.
    mutating func int64() throws -> Int64 {
        var bytes = try element()
        guard bytes.readableBytes == 8, let value = bytes.readInteger(as: Int64.self) else {
            throw MetadataError(.internal, "a listing bigint that is not 8 bytes")
        }
        return value
    }

    /// The next element, a `boolean`.
    mutating func bool() throws -> Bool {
        var bytes = try element()
        guard bytes.readableBytes == 1, let value = bytes.readInteger(as: UInt8.self) else {
            throw MetadataError(.internal, "a listing boolean that is not 1 byte")
        }
        return value != 0
    }

    /// The next element, a `timestamptz` (microseconds since 2000-01-01), as PostgresNIO decodes it.
    mutating func date() throws -> Date {
        Date(timeInterval: Double(try int64()) / 1_000_000, since: Self.postgresEpoch)
    }

    /// Passes over the next element.
    mutating func skip() throws {
        _ = try element()
    }

    /// Whether the next element, of a text type, is the empty string. Nothing is read.
    func nextIsEmpty() throws -> Bool {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self), length >= 0 else {
            throw MetadataError(.internal, "a listing array element that cannot be read")
        }
        return length == 0
    }

    /// The next element, of a text type, as a string of ``ListingWire``: its length (`UInt32`), then its bytes.
    /// That is how the element is stored in the array (with a length that cannot be negative), so it is a slice.
    mutating func wireString() throws -> ByteBuffer {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self), length >= 0,
            let slice = buffer.readSlice(length: 4 + Int(length))
        else { throw MetadataError(.internal, "a listing array element that cannot be read") }
        return slice
    }

    /// Copies the next element, of a text type, to a page as a string of ``ListingWire``.
    mutating func copyString(to page: inout ByteBuffer) throws {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self), length >= 0,
            buffer.readableBytes >= 4 + Int(length)
        else { throw MetadataError(.internal, "a listing array element that cannot be read") }
        buffer.withUnsafeReadableBytes { page.writeBytes(UnsafeRawBufferPointer(rebasing: $0[0..<(4 + Int(length))])) }
        buffer.moveReaderIndex(forwardBy: 4 + Int(length))
    }

    /// Copies the next element, of a text type, to a page as an optional string of ``ListingWire``: absent when it
    /// is empty.
    mutating func copyOptionalString(to page: inout ByteBuffer) throws {
        if try nextIsEmpty() {
            try skip()
            page.writeInteger(UInt8(0))
        } else {
            page.writeInteger(UInt8(1))
            try copyString(to: &page)
        }
    }

    /// Copies the next element, a `bigint`, to a page.
    mutating func copyInt64(to page: inout ByteBuffer) throws {
        page.writeInteger(try int64())
    }

    /// Copies the next element, a `boolean`, to a page as a flag of ``ListingWire``.
    mutating func copyBool(to page: inout ByteBuffer) throws {
        page.writeInteger(UInt8(try bool() ? 1 : 0))
    }

    /// Copies the next element, a `timestamptz`, to a page as a date of ``ListingWire`` (the bits of the
    /// `timeIntervalSince1970` of the date PostgresNIO decodes).
    mutating func copyDate(to page: inout ByteBuffer) throws {
        page.writeInteger(try date().timeIntervalSince1970.bitPattern)
    }

    /// The start of PostgreSQL's timestamps.
    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    /// The element types of the arrays listings read.
    static let text: [PostgresDataType] = [.text, .varchar, .name, .bpchar]
    static let bigint: [PostgresDataType] = [.int8]
    static let boolean: [PostgresDataType] = [.bool]
    static let timestamp: [PostgresDataType] = [.timestamptz, .timestamp]

    private static func unreadable(_ cell: PostgresCell) -> MetadataError {
        MetadataError(.internal, "the listing column \(cell.columnName) is not a one-dimensional array as expected")
    }
}
