import AsyncHTTPClient
import Foundation
import KSANS3
import KSANTestSupport
import NIOCore
import NIOHTTP1
import Testing

extension OperationsTests {
    /// The NHN guide's OS-EC2 credential API on a live portal: a user with a token makes, lists and deletes their own
    /// S3 keys, which the gateway then accepts and refuses; every misuse gets the OpenStack error shape.
    @Suite("The OS-EC2 credential API", .serialized)
    struct CredentialAPITests {
        struct Answer {
            var status: UInt
            var json: [String: Any]
        }

        static func call(
            _ cluster: TestCluster, _ method: HTTPMethod, _ path: String, token: String?, body: String? = nil
        ) async throws -> Answer {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(cluster.portalPort)\(path)")
            request.method = method
            if let token { request.headers.add(name: "X-Auth-Token", value: token) }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await cluster.http.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            return Answer(status: response.status.code, json: json)
        }

        static func error(_ answer: Answer) -> (code: Int?, title: String?) {
            let error = answer.json["error"] as? [String: Any]
            return (error?["code"] as? Int, error?["title"] as? String)
        }

        @Test("a user's token makes, lists and deletes their own keys, which the gateway honours")
        func ownKeys() async throws {
            try await TestCluster.with(amqpURL: try PrivateBroker.sharedURL()) { cluster in
                try await cluster.startPortal()
                #expect(try PortalTests.ksanctl(cluster, ["user", "create", "carol"]).status == 0)
                #expect(try PortalTests.ksanctl(cluster, ["user", "create", "dave"]).status == 0)
                let issued = try PortalTests.ksanctl(cluster, ["user", "token", "carol", "--json"])
                #expect(issued.status == 0, "\(issued.error)")
                let token = try #require(try PortalTests.json(issued) as? [String: Any])
                let text = try #require(token["token"] as? String)
                let carol = try #require(token["userId"] as? String)
                #expect(text.hasPrefix("ksant_") && text.count == 46)
                let daveToken = try #require(
                    try PortalTests.json(try PortalTests.ksanctl(cluster, ["user", "token", "dave", "--json"]))
                        as? [String: Any])
                let path = "/v2.0/users/\(carol)/credentials/OS-EC2"

                // Register a credential: the guide's request and answer.
                let created = try await Self.call(
                    cluster, .POST, path, token: text, body: #"{"tenant_id": "84c9e9a5"}"#)
                #expect(created.status == 201, "\(created.json)")
                let credential = try #require((created.json["credentials"] as? [[String: Any]])?.first)
                let access = try #require(credential["access"] as? String)
                let secret = try #require(credential["secret"] as? String)
                #expect(credential["tenant_id"] as? String == "84c9e9a5")
                #expect(credential["user_id"] as? String == carol)
                #expect(credential.keys.contains("trust_id") && credential["trust_id"] is NSNull)

                // The key works at the gateway.
                let signer = SigV4Signer(accessKeyId: access, secretKey: secret, region: "us-east-1")
                #expect(try await cluster.s3("PUT", "/carols-bucket", as: signer).status == 200)

                // Listed with its secret, for its own user only.
                let listed = try await Self.call(cluster, .GET, path, token: text)
                #expect(listed.status == 200)
                let items = try #require(listed.json["credentials"] as? [[String: Any]])
                #expect(items.map { $0["access"] as? String } == [access])
                #expect(items.first?["secret"] as? String == secret)

                // Misuse: no token, a malformed or unknown token, another user's path, a bad body, an unknown key.
                for bad in [nil, "nonsense", "ksant_" + String(repeating: "A", count: 40)] {
                    let refused = try await Self.call(cluster, .GET, path, token: bad)
                    #expect(refused.status == 401 && Self.error(refused).code == 401, "\(refused.json)")
                    #expect(Self.error(refused).title == "Unauthorized")
                }
                let other = try await Self.call(cluster, .GET, path, token: daveToken["token"] as? String)
                #expect(other.status == 403 && Self.error(other).code == 403, "\(other.json)")
                let otherDelete = try await Self.call(
                    cluster, .DELETE, path + "/" + access, token: daveToken["token"] as? String)
                #expect(otherDelete.status == 403)
                for body in ["{", #"{"tenant_id": 5}"#, #"{"tenant": "x"}"#, "{}", #"{"tenant_id": ""}"#] {
                    let refused = try await Self.call(cluster, .POST, path, token: text, body: body)
                    #expect(refused.status == 400 && Self.error(refused).code == 400, "\(body): \(refused.json)")
                }
                let unknown = try await Self.call(cluster, .DELETE, path + "/NOSUCHKEY", token: text)
                #expect(unknown.status == 404 && Self.error(unknown).code == 404, "\(unknown.json)")
                #expect(try await Self.call(cluster, .GET, path, token: text).json["credentials"] as? [Any] != nil)

                // Delete: 204, gone from the list, and refused by the gateway within seconds (the bus event).
                let deleted = try await Self.call(cluster, .DELETE, path + "/" + access, token: text)
                #expect(deleted.status == 204)
                #expect(
                    (try await Self.call(cluster, .GET, path, token: text).json["credentials"] as? [Any])?.isEmpty
                        == true)
                try await waitUntilAsync(seconds: 8) {
                    try await cluster.s3("GET", "/carols-bucket", as: signer).status == 403
                }

                // Token lifetimes are bounded; unknown users get no token.
                let tooLong = try PortalTests.ksanctl(cluster, ["user", "token", "carol", "--ttl", "99999999"])
                #expect(tooLong.status == 1 && tooLong.error.contains("ttlSeconds"), "\(tooLong.error)")
                #expect(try PortalTests.ksanctl(cluster, ["user", "token", "nobody"]).status == 1)
                // The tokens are stored hashed.
                #expect(try await cluster.rowCount("user_tokens") == 2)
            }
        }
    }
}
