import Foundation
import KSANStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// A catalog standing in for metadata: what it expects on the disks, the data ids it knows, and what was reported.
final class FakeCatalog: ShardCatalog, @unchecked Sendable {
    let expected: [ExpectedData]
    let known: Set<String>
    let reports = NIOLockedValueBox<[String]>([])

    init(expected: [ExpectedData] = [], known: Set<String>) {
        self.expected = expected.sorted { $0.dataId < $1.dataId }
        self.known = known
    }

    func expectedShards(disks: [String], after: String?, limit: Int) async throws -> [ExpectedData] {
        Array(expected.filter { after == nil || $0.dataId > after! }.prefix(limit))
    }

    func unknownDataIds(_ dataIds: [String], onDisk disk: String) async throws -> [String] {
        dataIds.filter { !known.contains($0) }
    }

    func reportDamaged(dataId: String, disk: String) async {
        reports.withLockedValue { $0.append("\(disk)/\(dataId)") }
    }
}

@Suite("Scrub: bit rot, missing shards, orphans")
struct ScrubberTests {
    static func store() throws -> (DiskStore, String) {
        let root = NSTemporaryDirectory() + "ksan-scrub-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return (try DiskStore(id: "d1", root: root), root)
    }

    static func payload(_ count: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    /// Writes `stripes` × `shards` shards of `dataId`, each `length` bytes, and returns what metadata would expect.
    static func write(_ store: DiskStore, _ dataId: String, stripes: Int = 2, shards: Int = 2, length: Int = 1000)
        throws -> ExpectedData
    {
        var expected: [ExpectedShard] = []
        for stripe in 0..<stripes {
            for shard in 0..<shards {
                let address = try ShardAddress(dataId: dataId, stripe: stripe, shard: shard)
                try store.write(address, data: payload(length))
                expected.append(ExpectedShard(disk: store.id, address: address, length: length))
            }
        }
        return ExpectedData(dataId: dataId, shards: expected)
    }

    static func age(_ root: String, _ dataId: String, by seconds: TimeInterval) throws {
        let directory = root + "/" + ShardAddress.directory(of: dataId)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-seconds)], ofItemAtPath: directory + "/" + name)
        }
    }

    static func scrubber(_ store: DiskStore, _ catalog: FakeCatalog?, orphanAge: Duration? = .seconds(3600))
        -> Scrubber
    {
        Scrubber(
            stores: [store], interval: .seconds(3600), rate: 1 << 30, catalog: catalog, orphanAge: orphanAge,
            logger: Logger(label: "test"))
    }

    @Test("every shard is verified and each data id with a corrupt shard is reported once")
    func bitRot() async throws {
        let (store, root) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let healthy = try Self.write(store, "healthy", length: 100_000)
        let rotten = try Self.write(store, "rotten", length: 100_000)
        for name in ["0.1.shard", "1.0.shard"] {
            let path = root + "/" + ShardAddress.directory(of: "rotten") + "/" + name
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count - 10] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        let catalog = FakeCatalog(expected: [healthy, rotten], known: ["healthy", "rotten"])
        let findings = try await Self.scrubber(store, catalog).scrub()
        #expect(findings.corrupt == ["d1": ["rotten"]])
        #expect(findings.missing.isEmpty && findings.orphans.isEmpty)
        #expect(catalog.reports.withLockedValue { $0 } == ["d1/rotten"])
    }

    @Test("a shard metadata expects that the disk lacks, data or parity, is reported; so is one of the wrong size")
    func missingShards() async throws {
        let (store, root) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try Self.write(store, "whole")
        let lost = try Self.write(store, "lost")
        let short = try Self.write(store, "short")
        try FileManager.default.removeItem(atPath: root + "/" + ShardAddress.directory(of: "lost") + "/1.1.shard")
        let truncated = root + "/" + ShardAddress.directory(of: "short") + "/0.0.shard"
        try Data(try Data(contentsOf: URL(fileURLWithPath: truncated)).prefix(100)).write(
            to: URL(fileURLWithPath: truncated))
        // Metadata also expects a parity shard this disk never got.
        var neverWritten = whole
        neverWritten.dataId = "parity"
        neverWritten.shards = [
            ExpectedShard(disk: "d1", address: try ShardAddress(dataId: "parity", stripe: 0, shard: 5), length: 10)
        ]
        let catalog = FakeCatalog(expected: [whole, lost, short, neverWritten], known: ["whole", "lost", "short"])
        let findings = try await Self.scrubber(store, catalog).scrub()
        #expect(findings.missing["d1"]?.sorted() == ["lost", "parity", "short"])
        #expect(Set(catalog.reports.withLockedValue { $0 }) == ["d1/lost", "d1/parity", "d1/short"])
    }

    @Test("an emptied disk: every shard metadata expects is reported, and the disk takes writes again")
    func emptiedDisk() async throws {
        let (store, root) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let expected = try (0..<5).map { try Self.write(store, "data\($0)") }
        for name in try FileManager.default.contentsOfDirectory(atPath: root) {
            try FileManager.default.removeItem(atPath: root + "/" + name)
        }
        let address = try ShardAddress(dataId: "after", stripe: 0, shard: 0)
        try store.write(address, data: Self.payload(10))
        #expect(try store.read(address) == Self.payload(10))
        try store.probe()
        let catalog = FakeCatalog(expected: expected, known: Set(expected.map(\.dataId) + ["after"]))
        let findings = try await Self.scrubber(store, catalog).scrub()
        #expect(findings.missing["d1"]?.sorted() == expected.map(\.dataId))
    }

    @Test("shards of data metadata does not know are deleted once old, kept while young, only logged without an age")
    func orphans() async throws {
        let (store, root) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let known = try Self.write(store, "known")
        _ = try Self.write(store, "oldorphan")
        _ = try Self.write(store, "neworphan")
        try Self.age(root, "oldorphan", by: 7200)
        try Self.age(root, "known", by: 7200)
        let catalog = FakeCatalog(expected: [known], known: ["known"])
        let reportOnly = try await Self.scrubber(store, catalog, orphanAge: nil).scrub()
        #expect(reportOnly.orphans["d1"]?.sorted() == ["neworphan", "oldorphan"])
        #expect(try store.dataIds().count == 3)
        let findings = try await Self.scrubber(store, catalog).scrub()
        #expect(findings.orphans["d1"]?.sorted() == ["neworphan", "oldorphan"])
        #expect(try store.dataIds().sorted() == ["known", "neworphan"])
        // A late write of the deleted orphan is refused, as for any deleted data.
        #expect(throws: StorageError.self) {
            try store.write(try ShardAddress(dataId: "oldorphan", stripe: 0, shard: 0), data: Self.payload(1))
        }
    }

    @Test("tombstones survive a restart: a late write for data deleted before it is refused after it")
    func tombstonesPersist() throws {
        let (store, root) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try store.write(try ShardAddress(dataId: "gone", stripe: 0, shard: 0), data: Self.payload(10))
        try store.delete(dataId: "gone")
        let restarted = try DiskStore(id: "d1", root: root)
        #expect(throws: StorageError.self) {
            try restarted.write(try ShardAddress(dataId: "gone", stripe: 0, shard: 1), data: Self.payload(10))
        }
        #expect(try restarted.list(dataId: "gone").isEmpty)
        try restarted.write(try ShardAddress(dataId: "other", stripe: 0, shard: 0), data: Self.payload(10))
        // Tombstones older than their lifetime are removed from disk when the store opens.
        let old = root + "/tombstones/" + String(Int64(Date().timeIntervalSince1970) / 60 - 20)
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: old + "/ancient", contents: nil)
        let again = try DiskStore(id: "d1", root: root)
        #expect(!FileManager.default.fileExists(atPath: old))
        try again.write(try ShardAddress(dataId: "ancient", stripe: 0, shard: 0), data: Self.payload(10))
    }
}
