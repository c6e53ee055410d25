import KSANBus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The space of the file system holding a disk's directory (statvfs).
struct DiskSpace {
    /// Size of the file system.
    var capacityBytes: Int64
    /// Bytes in use.
    var usedBytes: Int64
    /// Bytes an unprivileged process may still write.
    var availableBytes: Int64

    /// The space of the file system holding `path`, or nil if it cannot be read.
    init?(path: String) {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let block = Int64(info.f_frsize)
        capacityBytes = Int64(info.f_blocks) * block
        usedBytes = (Int64(info.f_blocks) - Int64(info.f_bfree)) * block
        availableBytes = Int64(info.f_bavail) * block
    }

    /// The usage of disk `id`, as its heartbeats and metrics report it.
    func usage(id: String) -> DiskUsage { DiskUsage(id: id, capacityBytes: capacityBytes, usedBytes: usedBytes) }

    /// The usage of `store`'s file system, or nil if it cannot be read.
    static func usage(of store: DiskStore) -> DiskUsage? { DiskSpace(path: store.root)?.usage(id: store.id) }
}
