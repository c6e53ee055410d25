import Foundation
import KSANMetadata
import Testing

@testable import KSANPortal

@Suite("Portal API keys")
struct APIKeyTests {
    @Test func aKeyRoundTripsAndMatchesOnlyItsHash() throws {
        let key = APIKey.generate()
        let parsed = try #require(APIKey(key.text))
        #expect(parsed == key)
        let record = APIKeyRecord(id: key.id, name: "t", secretHash: key.secretHash, createdAt: Date())
        #expect(parsed.matches(record))
        #expect(record.secretHash.count == 64 && record.secretHash != key.secret)
        let other = APIKey.generate()
        #expect(!other.matches(record))
        // Same id, another secret.
        let forged = try #require(APIKey("ksan_\(key.id)_" + String(repeating: "A", count: 40)))
        #expect(!forged.matches(record))
        #expect(!key.description.contains(key.secret))
    }

    @Test func malformedKeysAreNotKeys() {
        for text in [
            "", "ksan__", "ksan_abc_def", "KSAN_abcdefghijkl_" + String(repeating: "a", count: 40),
            "ksan_ABCDEFGHIJKL_" + String(repeating: "a", count: 40),
            "ksan_abcdefghijkl_" + String(repeating: "a", count: 39),
            "ksan_abcdefghijkl_" + String(repeating: "é", count: 40),
            "ksan_abcdefghijkl_" + String(repeating: "a", count: 40) + "_x",
        ] {
            #expect(APIKey(text) == nil, "\(text)")
        }
    }
}

@Suite("Strict JSON bodies")
struct PortalJSONTests {
    @Test func onlyExactlyTheBodyIsAccepted() throws {
        #expect(try PortalJSON.decode(CreateUserRequest.self, from: Data(#"{"name":"alice"}"#.utf8)).name == "alice")
        let refusals: [(String, String)] = [
            (#"{"name":"alice","admin":true}"#, "Unknown field 'admin'"),
            (#"{"name":5}"#, "wrong type"),
            (#"{}"#, "Missing field 'name'"),
            (#"["name"]"#, "JSON object"),
            (#"{"name":"a""#, "JSON object"),
            ("", "JSON object"),
            (#"{"name":null}"#, "must not be null"),
        ]
        for (body, message) in refusals {
            do {
                _ = try PortalJSON.decode(CreateUserRequest.self, from: Data(body.utf8))
                Issue.record("accepted \(body)")
            } catch let error as PortalError {
                #expect(error.status == .badRequest)
                #expect(error.message.contains(message), "\(body): \(error.message)")
            }
        }
        #expect(
            try PortalJSON.decode(UpdateAccessKeyRequest.self, from: Data(#"{"enabled":false}"#.utf8)).enabled == false)
        #expect(throws: PortalError.self) {
            try PortalJSON.decode(UpdateAccessKeyRequest.self, from: Data(#"{"enabled":"no"}"#.utf8))
        }
    }

    @Test func theOpenAPIDocumentIsJSONAndNamesEveryRoute() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.0.3")
        let paths = try #require(document["paths"] as? [String: Any])
        for path in [
            "/status", "/users", "/users/{user}", "/users/{user}/keys", "/keys", "/keys/{key}", "/api-keys",
            "/api-keys/{id}", "/servers", "/servers/{id}", "/disks", "/disks/{id}", "/pools", "/pools/{id}", "/buckets",
            "/buckets/{name}", "/health", "/openapi.json",
        ] {
            #expect(paths[path] != nil, "\(path)")
        }
    }
}

@Suite("The route table")
struct PortalRouteTableTests {
    /// The 405 table and the OpenAPI document name the same paths and methods.
    @Test func itMatchesTheOpenAPIDocument() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: [String: Set<String>] = [:]
        for (path, operations) in paths {
            let pattern =
                "/api/v1" + path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            documented[pattern] = Set(operations.keys.map { $0.uppercased() })
        }
        var table: [String: Set<String>] = [:]
        for route in PortalRouteTable.routes { table[route.pattern] = Set(route.methods) }
        #expect(table == documented)
        #expect(PortalRouteTable.methods(of: "/api/v1/users/alice/keys") == ["GET", "POST"])
        #expect(PortalRouteTable.methods(of: "/api/v1/users//keys") == nil)
        #expect(PortalRouteTable.methods(of: "/api/v1/nothing") == nil)
    }
}
