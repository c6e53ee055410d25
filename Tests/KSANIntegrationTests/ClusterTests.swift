import Crypto
import Foundation
import KSANS3
import NIOCore
import Testing

/// End-to-end tests of the data path over real processes: erasure coding on disk, reconstruction from parity after
/// bit rot, lost shards and a dead host, the write quorum, and cleanup after failed writes.
@Suite("Cluster of real executables", .serialized)
struct ClusterTests {
    static func random(_ count: Int) -> ByteBuffer {
        var generator = SystemRandomNumberGenerator()
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        for _ in 0..<(count / 8) { buffer.writeInteger(generator.next() as UInt64) }
        buffer.writeRepeatingByte(0x5A, count: count - buffer.readableBytes)
        return buffer
    }

    static func md5Hex(_ buffer: ByteBuffer) -> String {
        buffer.withUnsafeReadableBytes { Insecure.MD5.hash(data: $0).map { String(format: "%02x", $0) }.joined() }
    }

    @Test("data survives bit rot, lost shards and a dead host; failed writes leave nothing behind")
    func dataPath() async throws {
        try await TestCluster.with { try await scenarios($0) }
    }

    func scenarios(_ cluster: TestCluster) async throws {
        #expect(try await cluster.s3("PUT", "/it-bucket").status == 200)

        // A 10 MiB object is 3 stripes of 4 data + 2 parity shards (1 MiB blocks).
        let a = Self.random(10 << 20)
        let put = try await cluster.s3("PUT", "/it-bucket/a.bin", body: a)
        #expect(put.status == 200)
        #expect(put.headers.first(name: "etag") == "\"\(Self.md5Hex(a))\"")
        let files = cluster.shardFiles()
        #expect(files.count == 18)
        // No host holds more than m = 2 shards of any stripe.
        for osd in cluster.osds {
            let onHost = files.filter { file in osd.disks.contains { file.hasPrefix($0 + "/") } }
            for stripe in 0..<3 {
                #expect(onHost.filter { ($0 as NSString).lastPathComponent.hasPrefix("\(stripe).") }.count <= 2)
            }
        }
        #expect(try await cluster.s3("GET", "/it-bucket/a.bin").body == a)

        // Bit rot in two data shards of the same stripe is detected by the block checksums and reconstructed from
        // parity on read; the read queues the data for repair, which rewrites both shards.
        let stripe1 = files.filter { ($0 as NSString).lastPathComponent.hasPrefix("1.") }.sorted()
        #expect(stripe1.count == 6)
        let rotten = files.filter { ["1.0.shard", "1.1.shard"].contains(($0 as NSString).lastPathComponent) }
        #expect(rotten.count == 2)
        var intact: [String: Data] = [:]
        for file in rotten {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            intact[file] = bytes
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: file))
        }
        #expect(try await cluster.s3("GET", "/it-bucket/a.bin").body == a)
        try await waitUntil {
            rotten.allSatisfy { (try? Data(contentsOf: URL(fileURLWithPath: $0))) == intact[$0] }
        }
        // The scrub (every 2 s) may report the same damage while the repair runs: that report survives the repair's
        // acknowledgement, and the next pass finds nothing left to do.
        try await waitUntilAsync { try await cluster.rowCount("repair_queue") == 0 }

        // Bit rot in a parity shard, which no healthy read touches, is found by the OSD's scrub (every 2 s here),
        // queued for repair by data id, and rewritten.
        let parity = try #require(files.first { ($0 as NSString).lastPathComponent == "0.4.shard" })
        let parityIntact = try Data(contentsOf: URL(fileURLWithPath: parity))
        var parityRotten = parityIntact
        parityRotten[parityRotten.count / 3] ^= 0x10
        try parityRotten.write(to: URL(fileURLWithPath: parity))
        try await waitUntil(seconds: 30) { (try? Data(contentsOf: URL(fileURLWithPath: parity))) == parityIntact }
        try await waitUntilAsync { try await cluster.rowCount("repair_queue") == 0 }
        // A range inside the damaged stripe.
        let ranged = try await cluster.s3("GET", "/it-bucket/a.bin", headers: [("Range", "bytes=4194000-4194999")])
        #expect(ranged.status == 206)
        #expect(ranged.body == a.getSlice(at: 4_194_000, length: 1000))

        // Every shard file of one host deleted: still readable.
        let b = Self.random(5 << 20 + 123)
        #expect(try await cluster.s3("PUT", "/it-bucket/b.bin", body: b).status == 200)
        for disk in cluster.osds[1].disks {
            try? FileManager.default.removeItem(atPath: disk + "/shards")
        }
        #expect(try await cluster.s3("GET", "/it-bucket/b.bin").body == b)
        // Whatever that read queued for repair is done before the next step counts files.
        try await waitUntilAsync { try await cluster.rowCount("repair_queue") == 0 }

        // One host down (4+2 on 3 hosts loses 2 shards per stripe): reads reconstruct; writes need k + 1 = 5
        // durable shards, which 2 hosts cannot give, so they are refused and leave nothing visible or on disk.
        let c = Self.random(3 << 20)
        #expect(try await cluster.s3("PUT", "/it-bucket/c.bin", body: c).status == 200)
        let before = Set(cluster.shardFiles())
        cluster.killOSD(2)
        #expect(try await cluster.s3("GET", "/it-bucket/c.bin").body == c)
        let refused = try await cluster.s3("PUT", "/it-bucket/d.bin", body: Self.random(2 << 20))
        #expect(refused.status == 503)
        #expect(String(buffer: refused.body).contains("<Code>ServiceUnavailable</Code>"))
        #expect(try await cluster.s3("HEAD", "/it-bucket/d.bin").status == 404)
        try await cluster.startOSD(2)
        try await waitUntil { Set(cluster.shardFiles()).isSubset(of: before) }

        // A wrong Content-MD5: BadDigest, nothing stored.
        let bad = try await cluster.s3(
            "PUT", "/it-bucket/e.bin", body: Self.random(1 << 20),
            headers: [("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")])
        #expect(bad.status == 400)
        #expect(String(buffer: bad.body).contains("<Code>BadDigest</Code>"))
        #expect(try await cluster.s3("HEAD", "/it-bucket/e.bin").status == 404)
        try await waitUntil { Set(cluster.shardFiles()).isSubset(of: before) }

        // A client that disconnects mid-PUT: no object, and its shards are deleted.
        try disconnectMidPut(cluster, key: "f.bin", announced: 20 << 20, sent: 9 << 20)
        try await waitUntil { Set(cluster.shardFiles()).isSubset(of: before) }
        #expect(try await cluster.s3("HEAD", "/it-bucket/f.bin").status == 404)

        // Overwrite and delete free the old shards (garbage collection runs every 10 s).
        #expect(try await cluster.s3("PUT", "/it-bucket/c.bin", body: Self.random(100)).status == 200)
        #expect(try await cluster.s3("DELETE", "/it-bucket/a.bin").status == 204)
        #expect(try await cluster.s3("DELETE", "/it-bucket/b.bin").status == 204)
        try await waitUntil(seconds: 30) { cluster.shardFiles().isEmpty }
    }

    /// Sends the headers of a signed PUT announcing `announced` bytes, then `sent` bytes, then closes.
    func disconnectMidPut(_ cluster: TestCluster, key: String, announced: Int, sent: Int) throws {
        let signer = SigV4Signer(accessKeyId: cluster.accessKey, secretKey: cluster.secretKey, region: "us-east-1")
        let host = "127.0.0.1:\(cluster.gatewayPort)"
        let path = "/it-bucket/\(key)"
        let signed = signer.sign(
            method: "PUT", rawPath: path, headers: [("host", host), ("content-length", String(announced))])
        var head = "PUT \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: \(announced)\r\n"
        for (name, value) in signed { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(cluster.gatewayPort).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw SetupError("connect failed") }
        let payload = Array(head.utf8) + [UInt8](repeating: 0x42, count: sent)
        var offset = 0
        while offset < payload.count {
            let n = payload[offset...].withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, 0) }
            guard n > 0 else { throw SetupError("send failed") }
            offset += n
        }
        usleep(300_000)
    }
}
