import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import KSANMetadata

/// Reading PostgreSQL's binary array form, as listing pages arrive, without PostgresNIO's generic decoding.
struct BinaryArrayTests {
    /// A one-dimensional array of `elements` (each its bytes, or nil for NULL) of element type `type`.
    static func cell(
        _ elements: [[UInt8]?], type: PostgresDataType, dimensions: Int32 = 1, declaredCount: Int32? = nil
    ) -> PostgresCell {
        var buffer = ByteBuffer()
        buffer.writeInteger(elements.isEmpty && dimensions == 1 ? Int32(0) : dimensions)
        buffer.writeInteger(Int32(elements.contains { $0 == nil } ? 1 : 0))
        buffer.writeInteger(type.rawValue)
        if !elements.isEmpty || dimensions != 1 {
            for _ in 0..<dimensions {
                buffer.writeInteger(declaredCount ?? Int32(elements.count))
                buffer.writeInteger(Int32(1))
            }
        }
        for element in elements {
            if let element {
                buffer.writeInteger(Int32(element.count))
                buffer.writeBytes(element)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
        return PostgresCell(bytes: buffer, dataType: .textArray, format: .binary, columnName: "c", columnIndex: 0)
    }

    static func int64(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    @Test func readsEachElementType() throws {
        var texts = try BinaryArray(
            Self.cell([Array("a/é".utf8), [], Array("z".utf8)], type: .text), of: BinaryArray.text)
        #expect(texts.count == 3)
        #expect(try texts.string() == "a/é")
        #expect(try texts.string() == "")
        try texts.skip()
        #expect(throws: MetadataError.self) { try texts.string() }

        var numbers = try BinaryArray(
            Self.cell([Self.int64(-5), Self.int64(Int64.max)], type: .int8), of: BinaryArray.bigint)
        #expect(try numbers.int64() == -5)
        #expect(try numbers.int64() == Int64.max)

        var flags = try BinaryArray(Self.cell([[1], [0]], type: .bool), of: BinaryArray.boolean)
        #expect(try flags.bool())
        #expect(try !flags.bool())

        // 2013-05-24T00:00:00.123456Z: microseconds after 2000-01-01, decoded as PostgresNIO decodes a timestamptz.
        let micros: Int64 = (1_369_353_600 - 946_684_800) * 1_000_000 + 123_456
        var dates = try BinaryArray(Self.cell([Self.int64(micros)], type: .timestamptz), of: BinaryArray.timestamp)
        var single = ByteBuffer(bytes: Self.int64(micros))
        let expected = try Date(from: &single, type: .timestamptz, format: .binary, context: .default)
        #expect(try dates.date() == expected)
    }

    @Test func aNullCellOrAnEmptyArrayHasNoElements() throws {
        let null = PostgresCell(bytes: nil, dataType: .textArray, format: .binary, columnName: "c", columnIndex: 0)
        #expect(try BinaryArray(null, of: BinaryArray.text).count == 0)
        #expect(try BinaryArray(Self.cell([], type: .text), of: BinaryArray.text).count == 0)
    }

    @Test func refusesWhatIsNotTheExpectedArray() throws {
        // Another element type.
        #expect(throws: MetadataError.self) {
            try BinaryArray(Self.cell([Self.int64(1)], type: .int8), of: BinaryArray.text)
        }
        // Two dimensions.
        #expect(throws: MetadataError.self) {
            try BinaryArray(Self.cell([[1], [0]], type: .bool, dimensions: 2), of: BinaryArray.boolean)
        }
        // More elements declared than the cell can hold.
        #expect(throws: MetadataError.self) {
            try BinaryArray(Self.cell([[1]], type: .bool, declaredCount: 1000), of: BinaryArray.boolean)
        }
        // The text form.
        let text = PostgresCell(
            bytes: ByteBuffer(string: "{a,b}"), dataType: .textArray, format: .text, columnName: "c", columnIndex: 0)
        #expect(throws: MetadataError.self) { try BinaryArray(text, of: BinaryArray.text) }
        // A NULL element, an element cut short, a bigint of the wrong width.
        var nulls = try BinaryArray(Self.cell([nil], type: .text), of: BinaryArray.text)
        #expect(throws: MetadataError.self) { try nulls.string() }
        var short = try BinaryArray(Self.cell([[1, 2, 3, 4]], type: .int8), of: BinaryArray.bigint)
        #expect(throws: MetadataError.self) { try short.int64() }
    }
}
