import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import KSANCore
import KSANErasure
import KSANS3
import NIOCore

/// `ksan-bench data`: PUT and GET throughput of a running cluster, next to the raw speed of its building blocks
/// (ISA-L encode, MD5, CRC-32C, the disk) measured in the same run on the same machine.
struct DataBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Benchmark PUT/GET against a running KSAN cluster (the default).")

    @OptionGroup var cluster: ClusterOptions
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
        ByteSize.parse(text).map { Int($0) }
    }

    func parsedSizes() throws -> [Int] {
        try sizes.split(separator: ",").map {
            guard let size = Self.parseSize(String($0)), size > 0 else { throw ValidationError("bad size \($0)") }
            return size
        }
    }

    func run() async throws {
        let (endpoint, signer) = try cluster.resolve()

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
                    let seconds = (ContinuousClock.now - started).seconds
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
