import KSANBus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The space of the file system holding a disk's directory (statvfs).
enum DiskSpace {
    /// The usage of `store`'s file system, or nil if it cannot be read.
    static func usage(of store: DiskStore) -> DiskUsage? {
        var info = statvfs()
        guard statvfs(store.root, &info) == 0 else { return nil }
        let block = Int64(info.f_frsize)
        let capacity = Int64(info.f_blocks) * block
        let used = (Int64(info.f_blocks) - Int64(info.f_bfree)) * block
        return DiskUsage(id: store.id, capacityBytes: capacity, usedBytes: used)
    }
}
