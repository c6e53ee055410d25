import AsyncHTTPClient
import Foundation
import KSANS3
import KSANTestSupport
import NIOCore
import Testing

/// The shards of a write whose gateway crashed are collected once the gateway is back (its heartbeats show a new
/// process), not only after the 6-hour intent age.
@Suite(.serialized) struct OrphanTests {
    @Test("a relocated shard copy whose move was never recorded (the worker died in between) is collected by the scrub")
    func unrecordedMoveCollected() async throws {
        try await TestCluster.with(extraDisks: 1, osdArguments: ["--orphan-age", "0.01"]) { cluster in
            #expect(try await cluster.s3("PUT", "/moves").status == 200)
            let body = ByteBuffer(repeating: 0x42, count: 300_000)
            #expect(try await cluster.s3("PUT", "/moves/o", body: body).status == 200)
            // osd1-d3 serves but is in no pool: a copy there is what a relocation to it writes before the move.
            let source = cluster.osds[0].disks[0]
            let target = cluster.osds[0].disks[2]
            let original = try #require(cluster.shardFiles().first { $0.hasPrefix(source + "/") })
            let copy = target + original.dropFirst(source.count)
            try FileManager.default.createDirectory(
                atPath: (copy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: original, toPath: copy)
            // Older than --orphan-age (36 s), as a copy left by a worker that died long ago.
            try FileManager.default.setAttributes([.modificationDate: Date() - 3600], ofItemAtPath: copy)
            try await PortalTests.eventually("the unrecorded copy deleted", within: .seconds(30)) {
                !FileManager.default.fileExists(atPath: copy)
            }
            #expect(FileManager.default.fileExists(atPath: original), "the placed shard stays")
            let read = try await cluster.s3("GET", "/moves/o")
            #expect(read.status == 200 && read.body == body)
        }
    }

    @Test("a gateway killed mid-PUT and restarted: the upload's shards are collected within seconds")
    func orphansOfACrashedGateway() async throws {
        try await TestCluster.with(
            amqpURL: try PrivateBroker.sharedURL(), environment: ["KSAN_HEARTBEAT_SECONDS": "1"]
        ) { cluster in
            #expect(try await cluster.s3("PUT", "/orphans").status == 200)
            let before = cluster.shardFiles().count
            // A PUT of 64 MiB whose client sends 20 MiB, then waits: its first stripes are on the OSDs.
            let path = "/orphans/big"
            let signed = cluster.signer.sign(
                method: "PUT", rawPath: path, rawQuery: "", headers: [("host", cluster.gatewayHost)],
                payloadHash: SigV4.unsignedPayload)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(cluster.gatewayPort)\(path)")
            request.method = .PUT
            for (name, value) in signed { request.headers.add(name: name, value: value) }
            let total = 64 << 20
            let sent = 20 << 20
            request.body = .stream(
                AsyncStream<ByteBuffer> { continuation in
                    let chunk = ByteBuffer(repeating: 0x5A, count: 1 << 20)
                    for _ in 0..<(sent >> 20) { continuation.yield(chunk) }
                    // Never finished: the gateway dies first.
                },
                length: .known(Int64(total)))
            let upload = Task { try? await cluster.http.execute(request, timeout: .seconds(60)) }
            var written = 0
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                written = cluster.shardFiles().count - before
                if written >= 3 * 6 { break }  // three stripes of 4+2
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(written >= 18, "shards of the upload in flight: \(written)")
            cluster.killGateway()
            upload.cancel()
            // The gateway comes back (as systemd restarts it): its first heartbeat shows a new process, so the
            // intents of the one that died are abandoned, and garbage collection deletes their shards.
            try await cluster.startGateway()
            let started = ContinuousClock.now
            while cluster.shardFiles().count > before, ContinuousClock.now - started < .seconds(60) {
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(cluster.shardFiles().count == before, "orphan shards left: \(cluster.shardFiles().count - before)")
            #expect(try await cluster.rowCount("write_intents") == 0)
            #expect(try await cluster.s3("HEAD", path).status == 404)
        }
    }
}
