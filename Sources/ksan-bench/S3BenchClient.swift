import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import KSANS3
import NIOCore

/// Minimal signed S3 requests for the benchmark.
struct S3BenchClient: Sendable {
    let http: HTTPClient
    let endpoint: String
    let signer: SigV4Signer

    /// Sends a request and returns the number of body bytes received.
    @discardableResult
    func send(
        _ method: String, path: String, query: String = "", body: ByteBuffer? = nil, expect status: UInt
    ) async throws -> Int {
        var request = signedRequest(method, path: path, query: query)
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(300))
        var received = 0
        for try await chunk in response.body { received += chunk.readableBytes }
        guard response.status.code == status else {
            throw ValidationError("\(method) \(path): HTTP \(response.status.code)")
        }
        return received
    }

    /// GETs `path` and returns the MD5 of its body, hashed as it streams; anything but 200 is an error.
    func digest(path: String) async throws -> Data {
        let response = try await http.execute(signedRequest("GET", path: path, query: ""), timeout: .seconds(300))
        var md5 = Insecure.MD5()
        for try await chunk in response.body { md5.update(data: chunk.readableBytesView) }
        guard response.status.code == 200 else { throw ValidationError("GET \(path): HTTP \(response.status.code)") }
        return Data(md5.finalize())
    }

    /// GETs `path?query` (percent-encoded) and returns the body; anything but 200 is an error.
    func get(path: String, query: String) async throws -> ByteBuffer {
        let response = try await http.execute(signedRequest("GET", path: path, query: query), timeout: .seconds(300))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status.code == 200 else {
            throw ValidationError("GET \(path)?\(query): HTTP \(response.status.code): \(String(buffer: body))")
        }
        return body
    }

    /// A request to `path?query` (both percent-encoded) signed with SigV4.
    func signedRequest(_ method: String, path: String, query: String) -> HTTPClientRequest {
        let host = endpoint.split(separator: "/").dropFirst().first.map(String.init) ?? "localhost"
        var request = HTTPClientRequest(url: endpoint + path + (query.isEmpty ? "" : "?" + query))
        request.method = .init(rawValue: method)
        for (name, value) in signer.sign(method: method, rawPath: path, rawQuery: query, headers: [("host", host)]) {
            request.headers.add(name: name, value: value)
        }
        return request
    }
}
