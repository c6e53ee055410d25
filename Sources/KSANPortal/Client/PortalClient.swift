import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The portal API from the other side, for `ksanctl` and tests.
public struct PortalClient: Sendable {
    /// Why a call failed.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The portal answered with an error.
        case refused(status: Int, code: String, message: String)
        /// The portal could not be reached or answered something unreadable.
        case unreachable(String)

        public var description: String {
            switch self {
            case .refused(let status, let code, let message): "\(message) (HTTP \(status) \(code))"
            case .unreachable(let reason): "cannot reach the portal: \(reason)"
            }
        }
    }

    /// `http://host:port` (the client adds `/api/v1`).
    public let baseURL: String
    let apiKey: String
    let http: HTTPClient
    let timeout: TimeAmount

    /// A client with its own connections on the shared event loop group.
    public init(baseURL: String, apiKey: String, http: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/api/v1") { base.removeLast("/api/v1".count) }
        self.baseURL = base
        self.apiKey = apiKey
        self.http = http
        self.timeout = timeout
    }

    public func get<Output: Decodable>(_ path: String, as type: Output.Type = Output.self) async throws -> Output {
        try decode(try await send(.GET, path, body: nil), as: type)
    }

    public func post<Output: Decodable>(
        _ path: String, _ body: (some Encodable)? = Optional<String>.none, as type: Output.Type = Output.self
    )
        async throws -> Output
    {
        try decode(try await send(.POST, path, body: try body.map { try PortalJSON.encoder.encode($0) }), as: type)
    }

    public func patch<Output: Decodable>(_ path: String, _ body: some Encodable, as type: Output.Type = Output.self)
        async throws -> Output
    {
        try decode(try await send(.PATCH, path, body: try PortalJSON.encoder.encode(body)), as: type)
    }

    public func put<Output: Decodable>(_ path: String, _ body: some Encodable, as type: Output.Type = Output.self)
        async throws -> Output
    {
        try decode(try await send(.PUT, path, body: try PortalJSON.encoder.encode(body)), as: type)
    }

    public func delete(_ path: String) async throws {
        _ = try await send(.DELETE, path, body: nil)
    }

    /// Percent-encodes one path segment.
    public static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + "/api/v1" + path)
        request.method = method
        if !apiKey.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw Failure.unreachable("\(error)")
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            let error = try? PortalJSON.decoder.decode(ErrorBody.self, from: data)
            throw Failure.refused(
                status: Int(response.status.code), code: error?.error.code ?? "\(response.status.code)",
                message: error?.error.message ?? response.status.reasonPhrase)
        }
        return data
    }

    func decode<Output: Decodable>(_ data: Data, as type: Output.Type) throws -> Output {
        do {
            return try PortalJSON.decoder.decode(Output.self, from: data)
        } catch {
            throw Failure.unreachable("unexpected answer: \(error)")
        }
    }
}
