import AsyncHTTPClient
import Crypto
import Foundation
import KSANCore
import KSANMetadata
import KSANS3
import NIOCore
import PostgresNIO
import Testing

/// Regression tests of the hardening issue over real processes: a commit whose outcome the gateway cannot know, a
/// stale bucket cache after a bucket changed hands, shards lost from a disk or a whole disk emptied under a running
/// OSD, and damage found again right after a repair. Each fails on the code before the fixes.
@Suite("Hardening against real executables", .serialized)
struct HardeningTests {
    static func random(_ count: Int) -> ByteBuffer { ClusterTests.random(count) }

    @Test("a commit that outlives the gateway's metadata timeout keeps its data: no version is lost")
    func ambiguousCommits() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.s3("PUT", "/ambiguous").status == 200)
            let v1 = Self.random(5 << 20 + 7)
            #expect(try await cluster.s3("PUT", "/ambiguous/k", body: v1).status == 200)

            // The commit of v2 waits for a lock held here, past the gateway's metadata timeout (3 s): 12 s, so that
            // even a slow upload (a loaded machine) reaches its commit while the lock is held.
            let v2 = Self.random(6 << 20 + 3)
            let refused = try await cluster.holdingAdvisoryLock("ambiguous/k", for: .seconds(12)) {
                try await cluster.s3("PUT", "/ambiguous/k", body: v2)
            }
            #expect(refused.status == 503, "\(String(buffer: refused.body))")
            // The commit landed once the lock was released; its shards were kept. Reads see all of v2, and still
            // do after garbage collection (grace 3 s, every second) has had its chance at the displaced v1.
            try await waitUntilAsync { try await cluster.s3("GET", "/ambiguous/k").body == v2 }
            try await Task.sleep(for: .seconds(6))
            let read = try await cluster.s3("GET", "/ambiguous/k")
            #expect(read.status == 200)
            #expect(read.body == v2)

            // The same for a part.
            let initiated = try await cluster.s3("POST", "/ambiguous/mp", query: "uploads")
            let uploadId = try #require(Self.element("UploadId", in: initiated.body))
            let part = Self.random(5 << 20 + 1)
            let partRefused = try await cluster.holdingAdvisoryLock("\(uploadId)/1", for: .seconds(12)) {
                try await cluster.s3("PUT", "/ambiguous/mp", query: "partNumber=1&uploadId=\(uploadId)", body: part)
            }
            #expect(partRefused.status == 503)
            var etag: String?
            try await waitUntilAsync {
                let parts = try await cluster.s3("GET", "/ambiguous/mp", query: "uploadId=\(uploadId)")
                etag = Self.element("ETag", in: parts.body)
                return etag != nil
            }
            try await Task.sleep(for: .seconds(6))
            let completion =
                "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\(etag ?? "")</ETag>"
                + "</Part></CompleteMultipartUpload>"
            let completed = try await cluster.s3(
                "POST", "/ambiguous/mp", query: "uploadId=\(uploadId)", body: ByteBuffer(string: completion))
            #expect(completed.status == 200, "\(String(buffer: completed.body))")
            #expect(try await cluster.s3("GET", "/ambiguous/mp").body == part)
        }
    }

    @Test("a gateway whose bucket cache is stale never reaches the bucket of another owner that took the name")
    func bucketChangesHands() async throws {
        try await TestCluster.with { cluster in
            let other = try await cluster.addUser(
                id: "other-user", accessKey: "KSANOTHERACCESSKEY01", secretKey: "other-secret-key-0123456789abcdef")
            #expect(try await cluster.s3("PUT", "/contested").status == 200)
            #expect(try await cluster.s3("PUT", "/contested/mine", body: ByteBuffer(string: "mine")).status == 200)
            // Another gateway (here: metadata directly) deletes the bucket and the other user creates it again,
            // while this gateway still has the admin's bucket cached (for 2 s).
            let metadata = cluster.metadataClient
            _ = try await metadata.deleteObject(bucket: .unchecked("contested"), key: "mine")
            _ = try await metadata.deleteBucket(.unchecked("contested"))
            try await metadata.createBucket(
                BucketRecord(
                    name: "contested", ownerId: "other-user", ownerDisplayName: "other-user", region: "us-east-1",
                    poolId: "default", createdAt: Date()))
            let write = try await cluster.s3("PUT", "/contested/intruder", body: ByteBuffer(string: "intruder"))
            #expect(write.status == 404 || write.status == 403, "\(String(buffer: write.body))")
            let list = try await cluster.s3("GET", "/contested", query: "list-type=2")
            #expect(list.status == 403, "\(String(buffer: list.body))")
            let theirs = try await cluster.s3("GET", "/contested", query: "list-type=2", as: other)
            #expect(theirs.status == 200)
            #expect(!String(buffer: theirs.body).contains("<Key>"), "the other owner's bucket must be empty")
        }
    }

    @Test("lost shards, parity included, and a disk emptied under its OSD are found by the scrub and rebuilt")
    func lostShardsAndEmptiedDisks() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.s3("PUT", "/healing").status == 200)
            let object = Self.random(9 << 20)  // 3 stripes × 6 shards
            #expect(try await cluster.s3("PUT", "/healing/a", body: object).status == 200)
            let files = cluster.shardFiles()
            #expect(files.count == 18)
            var original: [String: Data] = [:]
            for file in files { original[file] = try Data(contentsOf: URL(fileURLWithPath: file)) }

            // A parity shard file disappears: no read ever needs it, the scrub (every 2 s) finds it missing.
            let parity = try #require(files.first { ($0 as NSString).lastPathComponent == "1.5.shard" })
            try FileManager.default.removeItem(atPath: parity)
            try await waitUntil(seconds: 30) {
                (try? Data(contentsOf: URL(fileURLWithPath: parity))) == original[parity]
            }

            // A whole disk emptied under its running OSD: the OSD recreates its directories, says it is healthy
            // because it can write again, new objects get every shard, and the scrub refills the old ones.
            let disk = cluster.osds[0].disks[0]
            let before = cluster.shardFiles(onDisk: disk)
            #expect(!before.isEmpty)
            for name in try FileManager.default.contentsOfDirectory(atPath: disk) {
                try FileManager.default.removeItem(atPath: disk + "/" + name)
            }
            let health = try await cluster.http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(cluster.osds[0].port)/_ksan/health"), timeout: .seconds(10))
            #expect(health.status == .ok)
            let fresh = Self.random(4 << 20)
            #expect(try await cluster.s3("PUT", "/healing/b", body: fresh).status == 200)
            // Its six shards are the files no earlier object had (the scrub may already be refilling the old ones).
            #expect(
                Set(cluster.shardFiles()).subtracting(original.keys).count == 6, "a new object must get all its shards")
            try await waitUntil(seconds: 40) { Set(cluster.shardFiles(onDisk: disk)).isSuperset(of: before) }
            for file in before { #expect((try? Data(contentsOf: URL(fileURLWithPath: file))) == original[file]) }
            #expect(try await cluster.s3("GET", "/healing/a").body == object)
        }
    }

    @Test("damage found right after a repair of the same data is repaired again")
    func damageAfterARepair() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.s3("PUT", "/again").status == 200)
            let object = Self.random(5 << 20)
            #expect(try await cluster.s3("PUT", "/again/a", body: object).status == 200)
            let files = cluster.shardFiles()
            let shard = try #require(files.first { ($0 as NSString).lastPathComponent == "0.0.shard" })
            let intact = try Data(contentsOf: URL(fileURLWithPath: shard))
            for round in 1...2 {
                try FileManager.default.removeItem(atPath: shard)
                #expect(try await cluster.s3("GET", "/again/a").body == object, "round \(round)")
                try await waitUntil(seconds: 30) { (try? Data(contentsOf: URL(fileURLWithPath: shard))) == intact }
            }
        }
    }

    @Test("a query the database kills (as a fast shutdown does) reaches the client as 503, and metadata recovers")
    func killedQueries() async throws {
        try await TestCluster.with { cluster in
            #expect(try await cluster.s3("PUT", "/killed").status == 200)
            // Each commit waits for a lock held here; meanwhile its session is terminated with 57P01 admin_shutdown.
            // The answer must come at once (a session the server ended once hung the request for good, when metadata
            // sent ROLLBACK on it), well before the gateway's 3 s metadata timeout.
            for round in 1...4 {
                let (reply, elapsed) = try await cluster.holdingAdvisoryLock("killed/k\(round)", for: .seconds(2)) {
                    let started = ContinuousClock.now
                    let reply = try await cluster.s3("PUT", "/killed/k\(round)", body: ByteBuffer(string: "small"))
                    return (reply, ContinuousClock.now - started)
                } whileHolding: { client in
                    // Once the commit waits for the lock (polled: a busy machine may take a while to get there).
                    var killed = 0
                    let deadline = ContinuousClock.now + .seconds(2)
                    while killed == 0, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(50))
                        killed = try await client.query(
                            """
                            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                            WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()
                            """, logger: TestCluster.logger
                        ).collect().count
                    }
                    #expect(killed == 1, "round \(round): one waiting commit to terminate")
                }
                #expect(reply.status == 503, "\(String(buffer: reply.body))")
                #expect(String(buffer: reply.body).contains("<Code>ServiceUnavailable</Code>"))
                #expect(elapsed < .milliseconds(2900), "round \(round): answered after \(elapsed)")
            }
            // The metadata service reconnects: the next writes and reads work.
            try await waitUntilAsync {
                try await cluster.s3("PUT", "/killed/k2", body: ByteBuffer(string: "after")).status == 200
            }
            #expect(try await cluster.s3("GET", "/killed/k2").body == ByteBuffer(string: "after"))
        }
    }

    static func element(_ name: String, in body: ByteBuffer) -> String? {
        let text = String(buffer: body)
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}

extension TestCluster {
    /// Runs `body` while a session of the cluster's database holds the advisory lock metadata takes for
    /// `bucket/key` (or `uploadId/partNumber`), and releases it `hold` after `body` started.
    func holdingAdvisoryLock<Result: Sendable>(
        _ name: String, for hold: Duration, _ body: @escaping @Sendable () async throws -> Result,
        whileHolding: @escaping @Sendable (PostgresClient) async throws -> Void = { _ in }
    ) async throws -> Result {
        let box = ResultBox<Result>()
        try await withPostgres(database: database) { client in
            try await client.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(hashtextextended(\(name), 0))", logger: Self.logger)
                async let result = body()
                try await whileHolding(client)
                try await Task.sleep(for: hold)
                try await connection.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(name), 0))", logger: Self.logger)
                box.value = try await result
            }
        }
        return box.value!
    }

    final class ResultBox<Value>: @unchecked Sendable { var value: Value? }
}
