import Foundation

/// The JSON conventions of the metadata service, shared by the server, its client and the database columns.
///
/// Dates are seconds since 1970 as a JSON number (fractional), binary data is base64.
enum MetadataJSON {
    /// A new encoder with the metadata conventions.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.dataEncodingStrategy = .base64
        return encoder
    }

    /// A new decoder with the metadata conventions.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.dataDecodingStrategy = .base64
        return decoder
    }

    /// Encodes a value to a JSON string (for `jsonb` columns).
    static func string<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// Decodes a value from a JSON string (read from a `jsonb` column cast to text).
    static func decode<Value: Decodable>(_ type: Value.Type, from string: String) throws -> Value {
        try decoder().decode(type, from: Data(string.utf8))
    }
}
