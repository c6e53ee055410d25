import Foundation
import NIOCore

/// The primitives of ``ListingWire``.
extension ByteBuffer {
    mutating func writeWire(_ string: String) {
        writeInteger(UInt32(string.utf8.count))
        writeString(string)
    }

    mutating func writeWire(_ string: String?) {
        if let string {
            writeInteger(UInt8(1))
            writeWire(string)
        } else {
            writeInteger(UInt8(0))
        }
    }

    /// An optional string, given as a string already in the form (its length, then its bytes).
    mutating func writeWire(optional string: ByteBuffer?) {
        if let string {
            writeInteger(UInt8(1))
            writeImmutableBuffer(string)
        } else {
            writeInteger(UInt8(0))
        }
    }

    /// A count, then the strings.
    mutating func writeWire(_ strings: [String]) {
        writeInteger(UInt32(strings.count))
        for string in strings { writeWire(string) }
    }

    mutating func writeWire(_ date: Date) {
        writeInteger(date.timeIntervalSince1970.bitPattern)
    }

    mutating func writeWire(_ flag: Bool) {
        writeInteger(UInt8(flag ? 1 : 0))
    }

    mutating func readWire<Integer: FixedWidthInteger>(_ type: Integer.Type) throws(ListingWireError) -> Integer {
        guard let value = readInteger(as: Integer.self) else { throw ListingWireError("cut short") }
        return value
    }

    mutating func readWireString() throws(ListingWireError) -> String {
        let length = Int(try readWire(UInt32.self))
        guard let string = readString(length: length) else { throw ListingWireError("cut short") }
        return string
    }

    mutating func readWireOptionalString() throws(ListingWireError) -> String? {
        switch try readWire(UInt8.self) {
        case 0: return nil
        case 1: return try readWireString()
        case let tag: throw ListingWireError("optional tag \(tag)")
        }
    }

    /// Strings written by `writeWire(_: [String])`.
    mutating func readWireStrings() throws(ListingWireError) -> [String] {
        let count = try readWireCount(minimumSize: 4)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try readWireString()) }
        return strings
    }

    mutating func readWireDate() throws(ListingWireError) -> Date {
        Date(timeIntervalSince1970: Double(bitPattern: try readWire(UInt64.self)))
    }

    mutating func readWireBool() throws(ListingWireError) -> Bool {
        switch try readWire(UInt8.self) {
        case 0: return false
        case 1: return true
        case let tag: throw ListingWireError("flag \(tag)")
        }
    }

    /// A count of entries, each at least `minimumSize` bytes: a count the rest of the page cannot hold is refused
    /// before anything is reserved for it.
    mutating func readWireCount(minimumSize: Int) throws(ListingWireError) -> Int {
        let count = Int(try readWire(UInt32.self))
        guard count <= readableBytes / max(minimumSize, 1) else { throw ListingWireError("count \(count)") }
        return count
    }
}
