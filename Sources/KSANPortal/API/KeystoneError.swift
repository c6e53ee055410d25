import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error of the OS-EC2 credential API, in the shape of the OpenStack Identity API that the NHN guide follows:
/// `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`.
public struct KeystoneError: Error, Sendable, Hashable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// No token, or not a valid unexpired one: nothing more is said.
    public static let unauthorized = KeystoneError(.unauthorized, "The request you have made requires authentication.")

    /// The answer.
    public var response: Response {
        let body: [String: [String: any Sendable]] = [
            "error": ["code": Int(status.code), "title": status.reasonPhrase, "message": message]
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
