import Foundation
import KSANCore
import NIOCore
import Testing

@Suite struct ClusterKeyTests {
    static let key = ClusterKey(secret: "a-cluster-key-of-some-length")!
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func verify(
        _ key: ClusterKey = Self.key, method: String = "POST", path: String = "/v1/objects/put", query: String = "",
        body: ByteBuffer = ByteBuffer(string: "{}"), headers: [(name: String, value: String)], at time: Date = Self.now
    ) -> Bool {
        key.verify(
            method: method, path: path, query: query, bodyDigest: ClusterKey.bodyDigest(body),
            date: headers.first { $0.name == ClusterKey.dateHeader }?.value,
            nonce: headers.first { $0.name == ClusterKey.nonceHeader }?.value,
            signature: headers.first { $0.name == ClusterKey.signatureHeader }?.value, now: time)
    }

    @Test func signedRequestsVerifyAndAnythingElseDoesNot() {
        let body = ByteBuffer(string: "{}")
        let headers = Self.key.headers(method: "POST", path: "/v1/objects/put", body: body, now: Self.now)
        #expect(headers.map(\.name) == [ClusterKey.dateHeader, ClusterKey.nonceHeader, ClusterKey.signatureHeader])
        #expect(headers[0].value == "1800000000")
        #expect(verify(headers: headers))
        #expect(verify(headers: headers, at: Self.now.addingTimeInterval(299)))
        #expect(!verify(headers: headers, at: Self.now.addingTimeInterval(301)), "too old")
        #expect(!verify(headers: headers, at: Self.now.addingTimeInterval(-301)), "from the future")
        #expect(!verify(method: "GET", headers: headers), "another method")
        #expect(!verify(path: "/v1/objects/delete", headers: headers), "another path")
        #expect(!verify(query: "a=b", headers: headers), "another query")
        #expect(!verify(body: ByteBuffer(string: "{\"accessKeyId\":\"other\"}"), headers: headers), "another body")
        #expect(!verify(body: ByteBuffer(), headers: headers), "no body")
        #expect(!verify(ClusterKey(secret: "another-cluster-key-entirely")!, headers: headers), "another key")
        #expect(!verify(headers: [headers[0], headers[1]]), "no signature")
        #expect(!verify(headers: [headers[1], headers[2]]), "no date")
        #expect(!verify(headers: [headers[0], headers[2]]), "no nonce")
        var otherNonce = headers
        otherNonce[1].value = ClusterKey.newNonce()
        #expect(!verify(headers: otherNonce), "another nonce")
        var tampered = headers
        tampered[2].value = String(tampered[2].value.dropLast()) + (tampered[2].value.hasSuffix("0") ? "1" : "0")
        #expect(!verify(headers: tampered))
        // Every request gets its own nonce.
        let again = Self.key.headers(method: "POST", path: "/v1/objects/put", body: body, now: Self.now)
        #expect(again[1].value != headers[1].value)
    }

    @Test func keysAreLoadedFromAFileOrTheEnvironmentAndNeverShown() throws {
        #expect(ClusterKey(secret: "too-short") == nil)
        #expect(try ClusterKey.load(file: nil, environment: [:]) == nil)
        let fromEnvironment = try #require(
            try ClusterKey.load(file: nil, environment: ["KSAN_CLUSTER_KEY": "a-cluster-key-of-some-length\n"]))
        let headers = fromEnvironment.headers(method: "GET", path: "/x", now: Self.now)
        #expect(verify(method: "GET", path: "/x", body: ByteBuffer(), headers: headers), "the same secret, trimmed")
        let file = NSTemporaryDirectory() + "ksan-cluster-key-\(UUID().uuidString)"
        try "a-cluster-key-of-some-length".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try ClusterKey.load(file: file, environment: [:]) != nil)
        #expect(throws: ClusterKeyError.self) { try ClusterKey.load(file: file + ".missing", environment: [:]) }
        #expect(!"\(Self.key)".contains("length"))
    }
}
