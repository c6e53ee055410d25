import Foundation
import KSANStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

@Suite("Shard files on disk")
struct DiskStoreTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "ksan-disk-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func payload(_ count: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    @Test("write then read returns the same bytes", arguments: [0, 1, 65_535, 65_536, 65_537, 1_048_576 + 3])
    func roundTrip(size: Int) throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try DiskStore(id: "d1", root: root)
        let address = try ShardAddress(dataId: "abcdef0123", stripe: 3, shard: 5)
        try store.write(address, data: Self.payload(size))
        #expect(try store.read(address) == Self.payload(size))
        let file = root + "/" + address.relativePath
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.size] as! Int) == ShardFileFormat.fileSize(dataLength: size))
        // Nothing is left in the temporary directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }

    @Test("a flipped bit in any block is reported as corrupt, never returned")
    func bitRot() throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try DiskStore(id: "d1", root: root)
        let address = try ShardAddress(dataId: "rot", stripe: 0, shard: 0)
        try store.write(address, data: Self.payload(200_000))
        let path = root + "/" + address.relativePath
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for offset in [3, ShardFileFormat.headerSize + 10, ShardFileFormat.headerSize + 70_000, original.count - 1] {
            var damaged = original
            damaged[offset] ^= 0x10
            try damaged.write(to: URL(fileURLWithPath: path))
            #expect(throws: StorageError.self) { try store.read(address) }
            do {
                _ = try store.read(address)
            } catch let error as StorageError {
                #expect(error.code == .corrupt)
            }
        }
        // A truncated file is corrupt too.
        try original.prefix(original.count - 100).write(to: URL(fileURLWithPath: path))
        #expect(throws: StorageError.self) { try store.read(address) }
    }

    @Test("missing shards are not found; delete removes all shards of a data id")
    func deleteAndMissing() throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try DiskStore(id: "d1", root: root)
        for stripe in 0..<3 {
            try store.write(try ShardAddress(dataId: "gone", stripe: stripe, shard: 1), data: Self.payload(10))
        }
        #expect(try store.list(dataId: "gone") == ["0.1.shard", "1.1.shard", "2.1.shard"])
        try store.delete(dataId: "gone")
        #expect(try store.list(dataId: "gone").isEmpty)
        do {
            _ = try store.read(try ShardAddress(dataId: "gone", stripe: 0, shard: 1))
            Issue.record("read of a deleted shard succeeded")
        } catch let error as StorageError {
            #expect(error.code == .notFound)
        }
        try store.delete(dataId: "never-there")
    }

    @Test("a shard of a deleted data id is never stored again, so a late write of a failed upload leaves nothing")
    func writeAfterDelete() throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try DiskStore(id: "d1", root: root)
        try store.write(try ShardAddress(dataId: "late", stripe: 0, shard: 0), data: Self.payload(10))
        try store.delete(dataId: "late")
        #expect(throws: StorageError(.deleted, "data late was deleted; shard 1.0.shard not stored")) {
            try store.write(try ShardAddress(dataId: "late", stripe: 1, shard: 0), data: Self.payload(10))
        }
        #expect(try store.list(dataId: "late").isEmpty)
        // Other ids, and a fresh store over the same disk, are unaffected by the record.
        try store.write(try ShardAddress(dataId: "other", stripe: 0, shard: 0), data: Self.payload(10))
        #expect(try store.list(dataId: "other") == ["0.0.shard"])
        let tombstones = Tombstones(lifetime: .milliseconds(50))
        tombstones.insert("x")
        #expect(tombstones.contains("x"))
        Thread.sleep(forTimeInterval: 0.06)
        #expect(!tombstones.contains("x"))
        tombstones.insert("y")  // more than a tenth of the lifetime after the last prune: "x" is forgotten
        #expect(tombstones.count == 1)
    }

    @Test(
        "addresses cannot escape the disk root",
        arguments: ["..", "../etc", "a/b", "", "a b", "x\u{0}", String(repeating: "a", count: 129), "é"])
    func unsafeDataIds(dataId: String) {
        #expect(throws: StorageError.self) { try ShardAddress(dataId: dataId, stripe: 0, shard: 0) }
        #expect(!ShardAddress.isValid(dataId: dataId))
    }

    @Test("shard and stripe numbers are bounded")
    func bounds() {
        #expect(throws: StorageError.self) { try ShardAddress(dataId: "a", stripe: -1, shard: 0) }
        #expect(throws: StorageError.self) { try ShardAddress(dataId: "a", stripe: 0, shard: 255) }
    }
}

@Suite("Disk reserve and fullness")
struct DiskReserveTests {
    @Test("reserves parse as sizes and percentages")
    func parse() {
        #expect(DiskReserve(argument: "2%") == .fraction(0.02))
        #expect(DiskReserve(argument: "512M") == .bytes(512 << 20))
        #expect(DiskReserve(argument: "10g") == .bytes(10 << 30))
        #expect(DiskReserve(argument: "4096") == .bytes(4096))
        #expect(DiskReserve(argument: "0") == .bytes(0))
        for bad in ["", "-1", "101%", "x%", "1Q", "99999999999T"] {
            #expect(DiskReserve(argument: bad) == nil, "\(bad)")
        }
        #expect(DiskReserve.fraction(0.01).bytes(ofCapacity: 1_000_000) == 10_000)
    }

    @Test("a disk is full under twice its reserve and has room again over three times it")
    func hysteresis() {
        let fullness = DiskFullness()
        #expect(!fullness.update("d", availableBytes: 250, reserveBytes: 100))
        #expect(fullness.update("d", availableBytes: 199, reserveBytes: 100))
        #expect(fullness.update("d", availableBytes: 250, reserveBytes: 100), "still full between 2× and 3×")
        #expect(!fullness.update("d", availableBytes: 300, reserveBytes: 100))
        #expect(!fullness.update("d", availableBytes: 250, reserveBytes: 100))
        #expect(!DiskFullness.isFull(wasFull: false, availableBytes: 1, reserveBytes: 0), "no reserve: never full")
    }

    @Test("a write that would leave less than the reserve is refused as full and leaves nothing behind")
    func refusedWhenFull() throws {
        let root = DiskStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var store = try DiskStore(id: "d1", root: root)
        let address = try ShardAddress(dataId: "full0001", stripe: 0, shard: 0)
        try store.write(address, data: DiskStoreTests.payload(1000))
        store.reserve = .fraction(1)
        let replaced = #expect(throws: StorageError.self) { try store.write(address, data: DiskStoreTests.payload(10)) }
        #expect(replaced?.code == .full)
        let new = #expect(throws: StorageError.self) {
            try store.write(try ShardAddress(dataId: "full0002", stripe: 0, shard: 0), data: DiskStoreTests.payload(10))
        }
        #expect(new?.code == .full)
        #expect(try store.read(address) == DiskStoreTests.payload(1000), "what is stored still reads")
        #expect(try store.dataIds() == ["full0001"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
    }
}
