import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shard files of one disk directory.
///
/// Writes go to a temporary file that is fsynced and then renamed into place, and the directory is fsynced, so a
/// shard is either wholly there or absent after a crash. Reads verify every block checksum. All methods block:
/// call them from a thread pool, never from an event loop.
public struct DiskStore: Sendable {
    /// The disk id (`osd1-d1`).
    public let id: String
    /// The absolute root directory.
    public let root: String
    /// Data ids deleted lately, whose shards must not be stored again.
    let tombstones: Tombstones
    /// The free space writes must leave (``DiskReserve``); none by default.
    public var reserve: DiskReserve = .bytes(0)

    /// Creates a store over `root`, creating its `shards/` and `tmp/` directories; its tombstones persist under
    /// `tombstones/` unless others are given.
    public init(id: String, root: String, tombstones: Tombstones? = nil) throws {
        self.id = id
        let root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.root = root
        try Self.makeDirectories(root + "/shards")
        try Self.makeDirectories(root + "/tmp")
        self.tombstones = tombstones ?? Tombstones(directory: root + "/tombstones")
    }

    /// Checks that the disk takes writes: creates (again, if the disk was emptied or replaced under the running OSD)
    /// its directories and writes and removes a probe file.
    /// - Throws: ``StorageError`` `.io` naming what failed.
    public func probe() throws {
        try Self.makeDirectories(root + "/shards")
        try Self.makeDirectories(root + "/tmp")
        let path = root + "/tmp/probe." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.ioError("create", path) }
        defer {
            close(fd)
            unlink(path)
        }
        var byte: UInt8 = 0
        guard Glibc.write(fd, &byte, 1) == 1 else { throw Self.ioError("write", path) }
    }

    /// Stores a shard durably (temp file, fsync, rename, directory fsync), replacing any earlier copy.
    ///
    /// A write of a data id deleted meanwhile (a failed upload's shard that arrives after the gateway deleted
    /// the upload's data) is refused with `.deleted`, and if the deletion came while the file was being written,
    /// the file is removed after its rename: ``delete(dataId:)`` records the id before it removes files, and this
    /// checks after the rename, so in every interleaving one of the two removes the file.
    public func write(_ address: ShardAddress, data: ByteBuffer) throws {
        guard !tombstones.contains(address.dataId) else { throw Self.deletedError(address) }
        let file = ShardFileFormat.encode(data)
        if reserve != .bytes(0), let space = DiskSpace(path: root) {
            let reserved = reserve.bytes(ofCapacity: space.capacityBytes)
            guard space.availableBytes - Int64(file.readableBytes) >= reserved else {
                throw StorageError(
                    .full,
                    "disk \(id) is full: \(space.availableBytes) bytes free, \(reserved) reserved, "
                        + "\(file.readableBytes) to write")
            }
        }
        let directory = root + "/" + ShardAddress.directory(of: address.dataId)
        try Self.makeDirectories(directory)
        let temp =
            root + "/tmp/" + address.dataId + "." + address.fileName + "."
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 && errno == ENOENT {
            // The disk was emptied or replaced under the running OSD: its temporary directory comes back.
            try Self.makeDirectories(root + "/tmp")
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw Self.ioError("create", temp) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do {
            defer { close(fd) }
            try file.withUnsafeReadableBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Self.ioError("write", temp)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw Self.ioError("fsync", temp) }
        }
        let target = directory + "/" + address.fileName
        guard rename(temp, target) == 0 else { throw Self.ioError("rename", target) }
        ok = true
        if tombstones.contains(address.dataId) {
            unlink(target)
            rmdir(directory)
            throw Self.deletedError(address)
        }
        try Self.syncDirectory(directory)
    }

    static func deletedError(_ address: ShardAddress) -> StorageError {
        StorageError(.deleted, "data \(address.dataId) was deleted; shard \(address.fileName) not stored")
    }

    /// Reads a shard and verifies its checksums.
    /// - Throws: ``StorageError`` `.notFound` or `.corrupt`.
    public func read(_ address: ShardAddress) throws -> ByteBuffer {
        let path = root + "/" + address.relativePath
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw StorageError(.notFound, "no shard \(address)") }
            throw Self.ioError("open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.ioError("stat", path) }
        let size = Int(info.st_size)
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        var total = 0
        while total < size {
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size - total) { bytes in
                Glibc.read(fd, bytes.baseAddress!, min(bytes.count, size - total))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw n == 0 ? StorageError(.corrupt, "shard \(address) is truncated") : Self.ioError("read", path)
            }
            total += n
        }
        do {
            return try ShardFileFormat.decode(buffer)
        } catch let error as StorageError {
            throw StorageError(error.code, "shard \(address) on disk \(id): \(error.message)")
        }
    }

    /// The size of a shard file, or nil if it does not exist (or cannot be examined).
    public func fileSize(_ address: ShardAddress) -> Int? {
        var info = stat()
        guard stat(root + "/" + address.relativePath, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// When a shard file was last written.
    public func modificationDate(_ address: ShardAddress) throws -> Date {
        var info = stat()
        let path = root + "/" + address.relativePath
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw StorageError(.notFound, "no shard \(address)") }
            throw Self.ioError("stat", path)
        }
        return Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
    }

    /// Deletes every shard of a data id on this disk. Absent data is not an error.
    public func delete(dataId: String) throws {
        guard ShardAddress.isValid(dataId: dataId) else { throw StorageError(.invalidAddress, "invalid data id") }
        tombstones.insert(dataId)
        let directory = root + "/" + ShardAddress.directory(of: dataId)
        for name in try Self.entries(of: directory) {
            guard unlink(directory + "/" + name) == 0 || errno == ENOENT else { throw Self.ioError("unlink", name) }
        }
        guard rmdir(directory) == 0 || errno == ENOENT || errno == ENOTEMPTY else {
            throw Self.ioError("rmdir", directory)
        }
    }

    /// Every data id with a shard directory on this disk.
    public func dataIds() throws -> [String] {
        var ids: [String] = []
        for prefix in try Self.entries(of: root + "/shards") where prefix.utf8.count == 2 {
            for dataId in try Self.entries(of: root + "/shards/" + prefix) where ShardAddress.isValid(dataId: dataId) {
                ids.append(dataId)
            }
        }
        return ids
    }

    /// The addresses of the shards of a data id on this disk (file names that do not parse are skipped).
    public func addresses(dataId: String) throws -> [ShardAddress] {
        try list(dataId: dataId).compactMap { name in
            let parts = name.split(separator: ".")
            guard parts.count == 3, parts[2] == "shard", let stripe = Int(parts[0]), let shard = Int(parts[1]) else {
                return nil
            }
            return try? ShardAddress(dataId: dataId, stripe: stripe, shard: shard)
        }
    }

    /// The shard file names (`<stripe>.<shard>.shard`) of a data id on this disk.
    public func list(dataId: String) throws -> [String] {
        guard ShardAddress.isValid(dataId: dataId) else { throw StorageError(.invalidAddress, "invalid data id") }
        return try Self.entries(of: root + "/" + ShardAddress.directory(of: dataId)).sorted()
    }

    static func entries(of directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw ioError("opendir", directory)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func makeDirectories(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST { throw ioError("mkdir", current) }
        }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ioError("fsync", path) }
    }

    static func ioError(_ operation: String, _ path: String) -> StorageError {
        StorageError(.io, "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
