import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@testable import KSANMetadata

/// The metadata service over HTTP: a live server on 127.0.0.1 and ``MetadataClient``.
@Suite("HTTP API and MetadataClient", .enabled(if: TestEnvironment.postgresEnabled))
struct HTTPAPITests {
    /// Runs the service on an ephemeral port of 127.0.0.1 over a fresh database holding the fixture topology (loaded
    /// from a file) and an admin key, and runs `body` with its base URL and a client.
    static func withService(_ body: (String, MetadataClient) async throws -> Void) async throws {
        let topologyFile = FileManager.default.temporaryDirectory.appendingPathComponent("topology-\(UUID()).json")
        try JSONEncoder().encode(TestFixtures.topology).write(to: topologyFile)
        defer { try? FileManager.default.removeItem(at: topologyFile) }
        try await TestDatabase.withDatabase { settings in
            var options = MetadataServiceConfiguration.Options()
            options.maxDatabaseConnections = 4
            let configuration = MetadataServiceConfiguration(
                listenHost: "127.0.0.1", listenPort: 0, postgres: settings, topologyFile: topologyFile.path,
                adminAccessKey: "AKIDADMIN", adminSecretKey: "admin-secret", adminDisplayName: "admin",
                options: options,
                allowOpenAPI: true
            )
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let app = try await buildMetadataApplication(
                configuration: configuration, logger: TestEnvironment.logger,
                onServerRunning: { channel in
                    portContinuation.yield(channel.localAddress?.port ?? 0)
                    portContinuation.finish()
                }
            )
            let serviceGroup = ServiceGroup(services: [app], logger: TestEnvironment.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await serviceGroup.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let baseURL = "http://127.0.0.1:\(port)"
                let result: Result<Void, any Error>
                do {
                    try await body(baseURL, MetadataClient(baseURL: baseURL, httpClient: .shared))
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
                try result.get()
            }
        }
    }

    /// A raw request to the service.
    static func raw(_ url: String, method: HTTPMethod = .POST, body: String? = nil) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: data))
    }

    @Test func healthErrorsAndMalformedRequests() async throws {
        try await Self.withService { baseURL, _ in
            let (status, body) = try await Self.raw(baseURL + "/_ksan/health", method: .GET)
            #expect(status == 200 && body.contains("ok"))
            #expect(try await Self.raw(baseURL + "/_ksan/ready", method: .GET).0 == 200)

            let (notFound, notFoundBody) = try await Self.raw(baseURL + "/v1/nothing-here", body: "{}")
            #expect(notFound == 404)
            #expect(notFoundBody.contains("\"code\""))

            let (bad, badBody) = try await Self.raw(baseURL + "/v1/buckets/get", body: "{not json")
            #expect(bad == 400)
            let error = try JSONDecoder().decode(MetadataError.self, from: Data(badBody.utf8))
            #expect(error.code == .invalidArgument)

            let (missing, missingBody) = try await Self.raw(
                baseURL + "/v1/objects/list", body: #"{"bucket":{"name":"nope"},"query":{"prefix":"","maxKeys":10}}"#
            )
            #expect(missing == 404)
            #expect(try JSONDecoder().decode(MetadataError.self, from: Data(missingBody.utf8)).code == .noSuchBucket)
        }
    }

    @Test func clientRoundTripWithAwkwardKeys() async throws {
        try await Self.withService { _, client in
            // Bootstrapped at start: the admin key and the topology file.
            let admin = try #require(try await client.accessKey(id: "AKIDADMIN"))
            #expect(admin.secretKey == "admin-secret")
            #expect(try await client.accessKey(id: "nobody") == nil)
            #expect(try await client.topology() == TestFixtures.topology)

            try await client.createBucket(TestFixtures.bucket("b", owner: admin.userId))
            #expect(
                await TestFixtures.errorCode {
                    try await client.createBucket(TestFixtures.bucket("b", owner: admin.userId))
                }
                    == .bucketAlreadyOwnedByYou
            )
            #expect(
                await TestFixtures.errorCode { try await client.createBucket(TestFixtures.bucket("b", owner: "x")) }
                    == .bucketAlreadyExists
            )
            #expect(try await client.bucket(name: "b")?.ownerDisplayName == "admin")
            #expect(try await client.listBuckets(ownerId: admin.userId).map(\.name) == ["b"])

            let keys = ["dir/?#%+ é", "dir/a b+c%20d", "dir/#frag?x=1&y=2", "dir/sub/deep", "dir/\u{1F600}", "top"]
            var layouts: [String: DataLayout] = [:]
            for key in keys {
                let layout = TestFixtures.layout()
                layouts[key] = layout
                try await client.registerIntent(WriteIntent(layout: layout, createdAt: Date()))
                #expect(try await client.putObject(TestFixtures.version(bucket: "b", key: key, layout: layout)).isEmpty)
            }
            for key in keys {
                let version = try #require(try await client.object(bucket: "b", key: key), "\(key)")
                #expect(version.key == key)
                #expect(version.layouts == [layouts[key]!])
                #expect(version.lastModified == Date(timeIntervalSince1970: 1_700_000_123.5))
            }
            let listing = try await client.listObjects(bucket: "b", query: .init(prefix: "dir/", delimiter: "/"))
            #expect(
                listing.objects.map(\.key) == ["dir/#frag?x=1&y=2", "dir/?#%+ é", "dir/a b+c%20d", "dir/\u{1F600}"])
            #expect(listing.commonPrefixes == ["dir/sub/"])
            let odd = try await client.listObjects(bucket: "b", query: .init(prefix: "dir/?#%+", maxKeys: 5))
            #expect(odd.objects.map(\.key) == ["dir/?#%+ é"])

            let overwritten = try await client.putObject(
                TestFixtures.version(bucket: "b", key: "top", inline: Data([1, 2])))
            #expect(overwritten == [layouts["top"]!])
            #expect(try await client.deleteObject(bucket: "b", key: "dir/?#%+ é") == [layouts["dir/?#%+ é"]!])
            #expect(try await client.object(bucket: "b", key: "dir/?#%+ é") == nil)
            #expect(await TestFixtures.errorCode { _ = try await client.deleteBucket(name: "b") } == .bucketNotEmpty)

            let queued = try await client.garbage(limit: 10, intentAge: 3600)
            #expect(Set(queued.map(\.layout.dataId)) == [layouts["top"]!.dataId, layouts["dir/?#%+ é"]!.dataId])
            try await client.ackGarbage(ids: queued.map(\.id))
            #expect(try await client.garbage(limit: 10, intentAge: 3600).isEmpty)
            try await client.dropIntent(dataId: "never-registered")
        }
    }

    @Test func clientMultipartRoundTrip() async throws {
        try await Self.withService { _, client in
            try await client.createBucket(TestFixtures.bucket("b"))
            let key = "uploads/?#%+ é"
            let upload = TestFixtures.upload(bucket: "b", key: key)
            try await client.createUpload(upload)
            #expect(try await client.upload(bucket: "b", key: key, uploadId: upload.uploadId)?.key == key)
            let etags = [String(repeating: "1", count: 32), String(repeating: "2", count: 32)]
            for (index, etag) in etags.enumerated() {
                let layout = TestFixtures.layout(size: 5 * 1024 * 1024)
                #expect(
                    try await client.putPart(
                        bucket: "b", key: key, uploadId: upload.uploadId,
                        part: TestFixtures.part(index + 1, etag: etag, layout: layout)
                    ).isEmpty
                )
            }
            let parts = try await client.listParts(
                bucket: "b", key: key, uploadId: upload.uploadId, partNumberMarker: 0, maxParts: 1)
            #expect(parts.parts.map(\.partNumber) == [1] && parts.isTruncated && parts.nextPartNumberMarker == 1)
            let uploads = try await client.listUploads(bucket: "b", query: .init(prefix: "uploads/"))
            #expect(uploads.uploads.map(\.uploadId) == [upload.uploadId])
            #expect(
                await TestFixtures.errorCode {
                    _ = try await client.completeUpload(
                        bucket: "b", key: key, uploadId: upload.uploadId,
                        parts: [.init(partNumber: 2, etag: etags[1]), .init(partNumber: 1, etag: etags[0])]
                    )
                } == .invalidPartOrder
            )
            let done = try await client.completeUpload(
                bucket: "b", key: key, uploadId: upload.uploadId,
                parts: etags.enumerated().map { .init(partNumber: $0.offset + 1, etag: $0.element) }
            )
            #expect(done.version.etag.hasSuffix("-2") && done.garbage.isEmpty)
            #expect(try await client.object(bucket: "b", key: key)?.etag == done.version.etag)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await client.abortUpload(bucket: "b", key: key, uploadId: upload.uploadId)
                }
                    == .noSuchUpload
            )
            _ = try await client.deleteObject(bucket: "b", key: key)
            #expect(try await client.deleteBucket(name: "b").isEmpty)
            #expect(try await client.bucket(name: "b") == nil)
        }
    }

    @Test func anUnreachableServiceIsUnavailable() async throws {
        // Port 1 on the loopback address: nothing listens there, the connection is refused.
        let client = MetadataClient(baseURL: "http://127.0.0.1:1", httpClient: .shared, timeout: .seconds(5))
        #expect(await TestFixtures.errorCode { _ = try await client.bucket(name: "b") } == .unavailable)
    }
}
