import Foundation
import Hummingbird
import NIOCore

/// A request body of the portal: decoded strictly (a JSON object, no field it does not know, every value of the
/// right type), so that a typo is an error instead of a silent default.
public protocol PortalRequestBody: Codable, Sendable {
    /// The fields it accepts.
    static var fields: Set<String> { get }
}

/// JSON in and out of the portal: ISO 8601 dates, sorted keys.
public enum PortalJSON {
    /// The largest request body.
    public static let maxBodySize = 64 * 1024

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Decodes a request body, refusing what is not exactly a `Body`.
    public static func decode<Body: PortalRequestBody>(_ type: Body.Type, from data: Data) throws -> Body {
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any]
        else {
            throw PortalError.badRequest("The body must be a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw PortalError.badRequest(
                "Unknown field '\(unknown)' (accepted: \(Body.fields.sorted().joined(separator: ", ")))")
        }
        // An optional field is given or left out, never null.
        if let null = fields.keys.sorted().first(where: { fields[$0] is NSNull }) {
            throw PortalError.badRequest("Field '\(null)' must not be null (leave it out instead)")
        }
        do {
            return try decoder.decode(Body.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw PortalError.badRequest("Missing field '\(key.stringValue)'")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw PortalError.badRequest("Field '\(field)' has the wrong type")
        } catch {
            throw PortalError.badRequest("The body is not valid")
        }
    }

    /// Reads and decodes a request's body.
    public static func body<Body: PortalRequestBody>(_ type: Body.Type, of request: Request) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw PortalError(.contentTooLarge, "BadRequest", "The body is larger than \(maxBodySize) bytes")
        }
        return try decode(type, from: Data(buffer.readableBytesView))
    }

    /// A JSON answer.
    public static func response<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response
    {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}
