import Foundation

/// A model kept as a stored document (a bucket configuration, an object's tag set): JSON out, JSON back in, and a
/// document that does not decode is an internal error, never an empty configuration.
protocol StoredDocument: Codable {}

extension StoredDocument {
    /// The stored form.
    func document() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// The stored form read back.
    init(document: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(document.utf8))
        } catch {
            throw S3Error(.internalError, "A stored configuration cannot be read.")
        }
    }
}
