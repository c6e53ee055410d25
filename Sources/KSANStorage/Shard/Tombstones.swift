import Foundation
import KSANCore

#if canImport(Glibc)
    import Glibc
#endif

/// Data ids deleted on a disk lately. Data ids are random and never reused, so a shard write for a deleted id can
/// only be a late arrival of a failed upload (or a repair racing a deletion); refusing it keeps that write from
/// leaving an orphan shard behind. Kept for `lifetime`: far longer than any request in flight at the deletion can
/// last (the gateway gives up on a shard request after 30 s).
///
/// With a `directory`, every tombstone is also a file there, under a directory per minute of deletion
/// (`<directory>/<unix minute>/<data id>`), loaded again when the OSD starts: a late write that arrives after a
/// restart is refused as before one. Whole minutes are removed once they are older than `lifetime`, so the files
/// cost one directory removal per minute, not one scan per tombstone.
public final class Tombstones: Sendable {
    private let ids: ExpiringSet<String>
    private let directory: String?
    private let lifetimeMinutes: Int64

    /// Creates a set, loading the tombstones of the last `lifetime` from `directory` (created if missing) and
    /// removing older ones there.
    public init(lifetime: Duration = .seconds(600), directory: String? = nil) {
        ids = ExpiringSet(lifetime: lifetime)
        self.directory = directory
        lifetimeMinutes = max(1, (lifetime.components.seconds + 59) / 60)
        guard let directory else { return }
        try? DiskStore.makeDirectories(directory)
        let oldest = Self.minute() - lifetimeMinutes
        for name in (try? DiskStore.entries(of: directory)) ?? [] {
            guard let minute = Int64(name) else { continue }
            let path = directory + "/" + name
            if minute < oldest {
                Self.removeMinute(path)
            } else {
                for dataId in (try? DiskStore.entries(of: path)) ?? [] { ids.insert(dataId) }
            }
        }
    }

    /// Records a deletion (on disk first, when persistent).
    public func insert(_ dataId: String) {
        if let directory {
            let minute = Self.minute()
            let path = directory + "/" + String(minute)
            var made = mkdir(path, 0o700) == 0
            if !made && errno == ENOENT {  // the disk was emptied under the running OSD
                try? DiskStore.makeDirectories(directory)
                made = mkdir(path, 0o700) == 0
            }
            if made {
                // A new minute began: the minute that just fell out of the lifetime goes.
                Self.removeMinute(directory + "/" + String(minute - lifetimeMinutes - 1))
            }
            let fd = open(path + "/" + dataId, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
        }
        ids.insert(dataId)
    }

    /// Whether the id was deleted within the lifetime.
    public func contains(_ dataId: String) -> Bool { ids.contains(dataId) }

    /// How many ids are remembered (expired ones included until the next prune).
    public var count: Int { ids.count }

    static func minute(_ date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970) / 60 }

    static func removeMinute(_ path: String) {
        for name in (try? DiskStore.entries(of: path)) ?? [] { unlink(path + "/" + name) }
        rmdir(path)
    }
}
