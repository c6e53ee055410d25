import ArgumentParser
import Crypto
import Foundation
import KSANErasure

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
            let seconds = (ContinuousClock.now - started).seconds
            best = max(best, Double(bytes) / seconds / 1e6)
        }
        return best
    }
}
