import Foundation
import KSANCore
import Testing

@Suite struct ClusterKeyTests {
    static let key = ClusterKey(secret: "a-cluster-key-of-some-length")!
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func verify(
        _ key: ClusterKey = Self.key, method: String = "POST", path: String = "/v1/objects/put",
        headers: [(name: String, value: String)], at time: Date = Self.now
    ) -> Bool {
        key.verify(
            method: method, path: path, date: headers.first { $0.name == ClusterKey.dateHeader }?.value,
            signature: headers.first { $0.name == ClusterKey.signatureHeader }?.value, now: time)
    }

    @Test func signedRequestsVerifyAndAnythingElseDoesNot() {
        let headers = Self.key.headers(method: "POST", path: "/v1/objects/put", now: Self.now)
        #expect(headers.map(\.name) == [ClusterKey.dateHeader, ClusterKey.signatureHeader])
        #expect(headers[0].value == "1800000000")
        #expect(verify(headers: headers))
        #expect(verify(headers: headers, at: Self.now.addingTimeInterval(299)))
        #expect(!verify(headers: headers, at: Self.now.addingTimeInterval(301)), "too old")
        #expect(!verify(headers: headers, at: Self.now.addingTimeInterval(-301)), "from the future")
        #expect(!verify(method: "GET", headers: headers), "another method")
        #expect(!verify(path: "/v1/objects/delete", headers: headers), "another path")
        #expect(!verify(ClusterKey(secret: "another-cluster-key-entirely")!, headers: headers), "another key")
        #expect(!verify(headers: [headers[0]]), "no signature")
        #expect(!verify(headers: [headers[1]]), "no date")
        var tampered = headers
        tampered[1].value = String(tampered[1].value.dropLast()) + (tampered[1].value.hasSuffix("0") ? "1" : "0")
        #expect(!verify(headers: tampered))
    }

    @Test func keysAreLoadedFromAFileOrTheEnvironmentAndNeverShown() throws {
        #expect(ClusterKey(secret: "too-short") == nil)
        #expect(try ClusterKey.load(file: nil, environment: [:]) == nil)
        let fromEnvironment = try #require(
            try ClusterKey.load(file: nil, environment: ["KSAN_CLUSTER_KEY": "a-cluster-key-of-some-length\n"]))
        let headers = fromEnvironment.headers(method: "GET", path: "/x", now: Self.now)
        #expect(verify(method: "GET", path: "/x", headers: headers), "the same secret, whitespace trimmed")
        let file = NSTemporaryDirectory() + "ksan-cluster-key-\(UUID().uuidString)"
        try "a-cluster-key-of-some-length".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try ClusterKey.load(file: file, environment: [:]) != nil)
        #expect(throws: ClusterKeyError.self) { try ClusterKey.load(file: file + ".missing", environment: [:]) }
        #expect(!"\(Self.key)".contains("length"))
    }
}
