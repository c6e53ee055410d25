import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import KSANErasure
import KSANS3
import NIOCore

/// `ksan-bench`: PUT and GET throughput of a running cluster, next to the raw speed of its building blocks
/// (ISA-L encode, MD5, CRC-32C) measured in the same run on the same machine.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ksan-bench", abstract: "Benchmark PUT/GET against a running KSAN cluster.")

    @Option(help: "S3 endpoint (default: $AWS_ENDPOINT_URL).")
    var endpoint: String?
    @Option(help: "Access key (default: $AWS_ACCESS_KEY_ID).")
    var accessKey: String?
    @Option(help: "Secret key (default: $AWS_SECRET_ACCESS_KEY).")
    var secretKey: String?
    @Option(help: "Region (default: $AWS_DEFAULT_REGION or us-east-1).")
    var region: String?
    @Option(help: "Concurrent clients.")
    var clients: Int = 4
    @Option(help: "Object sizes, comma-separated, with K/M suffixes.")
    var sizes: String = "4K,1M,64M"
    @Option(help: "Bytes to move per size and direction (objects = max(clients, total / size)), with K/M/G suffix.")
    var total: String = "512M"
    @Option(help: "At most this many objects per size.")
    var maxObjects: Int = 2000
    @Option(help: "Directory for the disk baseline (1 MiB files, each fsynced); use the disk the OSDs write to.")
    var diskDir: String = NSTemporaryDirectory()

    func validate() throws {
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard (try? parsedSizes()) != nil, Self.parseSize(total) != nil else {
            throw ValidationError("sizes look like 4K, 1M, 64M")
        }
    }

    static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            return Int(t.dropLast()).map { $0 * factor }
        }
        return Int(t)
    }

    func parsedSizes() throws -> [Int] {
        try sizes.split(separator: ",").map {
            guard let size = Self.parseSize(String($0)), size > 0 else { throw ValidationError("bad size \($0)") }
            return size
        }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let endpoint = endpoint ?? env["AWS_ENDPOINT_URL"], let accessKey = accessKey ?? env["AWS_ACCESS_KEY_ID"],
            let secretKey = secretKey ?? env["AWS_SECRET_ACCESS_KEY"]
        else {
            throw ValidationError("give --endpoint/--access-key/--secret-key or source the cluster's env file")
        }
        let signer = SigV4Signer(
            accessKeyId: accessKey, secretKey: secretKey, region: region ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1")

        print("== Building blocks on this machine (one core, 64 MiB) ==")
        let baselines = try Baselines.measure(diskDirectory: diskDir)
        print(String(format: "ISA-L RS 4+2 encode   %8.0f MB/s", baselines.encode))
        print(String(format: "MD5                   %8.0f MB/s", baselines.md5))
        print(String(format: "CRC-32C (ISA-L)       %8.0f MB/s", baselines.crc))
        print(String(format: "disk, 1 MiB + fsync   %8.0f MB/s   (%@)", baselines.disk, diskDir as NSString))

        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)))
        let client = S3BenchClient(http: http, endpoint: endpoint, signer: signer)
        let bucket = "ksan-bench-\(Int(Date().timeIntervalSince1970))"
        do {
            try await client.send("PUT", path: "/\(bucket)", expect: 200)
            print("\n== Cluster at \(endpoint), \(clients) concurrent clients ==")
            print("size      op    objects   seconds    objects/s      MB/s   vs MD5  vs disk")
            print("(vs disk: a PUT writes (k+m)/k = 1.5x its bytes with 4+2, each shard fsynced)")
            let totalBytes = Self.parseSize(total)!
            for size in try parsedSizes() {
                let count = min(maxObjects, max(clients, totalBytes / size))
                var payload = ByteBufferAllocator().buffer(capacity: size)
                var generator = SystemRandomNumberGenerator()
                for _ in 0..<(size / 8) { payload.writeInteger(generator.next() as UInt64) }
                payload.writeRepeatingByte(7, count: size - payload.readableBytes)
                let body = payload
                let keys = (0..<count).map { "obj-\(size)-\($0)" }
                for op in ["PUT", "GET"] {
                    let started = ContinuousClock.now
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for worker in 0..<clients {
                            group.addTask {
                                for index in stride(from: worker, to: count, by: clients) {
                                    if op == "PUT" {
                                        try await client.send(
                                            "PUT", path: "/\(bucket)/\(keys[index])", body: body, expect: 200)
                                    } else {
                                        let got = try await client.send(
                                            "GET", path: "/\(bucket)/\(keys[index])", expect: 200)
                                        guard got == size else {
                                            throw ValidationError("GET returned \(got) of \(size) bytes")
                                        }
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    let mbps = Double(count * size) / seconds / 1e6
                    print(
                        String(
                            format: "%-8@  %-4@  %7d  %8.2f  %11.1f  %8.1f   %5.2fx   %5.2fx",
                            Self.label(size) as NSString,
                            op as NSString, count, seconds, Double(count) / seconds, mbps, mbps / baselines.md5,
                            mbps / baselines.disk))
                }
                for key in keys { try await client.send("DELETE", path: "/\(bucket)/\(key)", expect: 204) }
            }
            try await client.send("DELETE", path: "/\(bucket)", expect: 204)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    static func label(_ size: Int) -> String {
        size >= 1 << 20 ? "\(size >> 20) MiB" : size >= 1 << 10 ? "\(size >> 10) KiB" : "\(size) B"
    }
}

/// Raw speeds of the data path's building blocks, MB/s (10^6 bytes per second).
struct Baselines {
    var encode: Double
    var md5: Double
    var crc: Double
    var disk: Double

    static func measure(diskDirectory: String) throws -> Baselines {
        let size = 64 << 20
        var data = [UInt8](repeating: 0, count: size + size / 2)
        for i in stride(from: 0, to: data.count, by: 4096) { data[i] = UInt8(truncatingIfNeeded: i >> 12) }
        let coder = try! ErasureCoder(dataShards: 4, parityShards: 2)
        let shard = 1 << 20
        let encode = rate(bytes: size) {
            data.withUnsafeMutableBytes { raw in
                // 16 stripes of 4 x 1 MiB data + 2 x 1 MiB parity, parity written after the data.
                for stripe in 0..<16 {
                    let base = raw.baseAddress! + stripe * 4 * shard
                    let parity = raw.baseAddress! + size
                    coder.encode(
                        shards: [base, base + shard, base + 2 * shard, base + 3 * shard, parity, parity + shard],
                        length: shard)
                }
            }
        }
        let md5 = rate(bytes: size) {
            data.withUnsafeBytes { raw in _ = Insecure.MD5.hash(data: UnsafeRawBufferPointer(rebasing: raw[0..<size])) }
        }
        let crc = rate(bytes: size) {
            data.withUnsafeBytes { raw in _ = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<size])) }
        }
        let disk = try measureDisk(directory: diskDirectory)
        return Baselines(encode: encode, md5: md5, crc: crc, disk: disk)
    }

    /// Writes 64 files of 1 MiB, each fsynced (as an OSD writes shards), and returns MB/s.
    static func measureDisk(directory: String) throws -> Double {
        let dir = directory + "/ksan-bench-disk-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let block = [UInt8](repeating: 0xA7, count: 1 << 20)
        var failed = false
        let result = rate(bytes: 64 << 20) {
            for i in 0..<64 {
                let fd = open(dir + "/\(i)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                if fd < 0 || block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) != block.count
                    || fsync(fd) != 0
                {
                    failed = true
                }
                close(fd)
            }
        }
        if failed { throw ValidationError("cannot write the disk baseline in \(directory)") }
        return result
    }

    /// Best of three runs.
    static func rate(bytes: Int, _ body: () -> Void) -> Double {
        var best = 0.0
        for _ in 0..<3 {
            let started = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = max(best, Double(bytes) / seconds / 1e6)
        }
        return best
    }
}

/// Minimal signed S3 requests for the benchmark.
struct S3BenchClient: Sendable {
    let http: HTTPClient
    let endpoint: String
    let signer: SigV4Signer

    /// Sends a request and returns the number of body bytes received.
    @discardableResult
    func send(_ method: String, path: String, body: ByteBuffer? = nil, expect status: UInt) async throws -> Int {
        let host = endpoint.split(separator: "/").dropFirst().first.map(String.init) ?? "localhost"
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = .init(rawValue: method)
        for (name, value) in signer.sign(method: method, rawPath: path, headers: [("host", host)]) {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(300))
        var received = 0
        for try await chunk in response.body { received += chunk.readableBytes }
        guard response.status.code == status else {
            throw ValidationError("\(method) \(path): HTTP \(response.status.code)")
        }
        return received
    }
}
