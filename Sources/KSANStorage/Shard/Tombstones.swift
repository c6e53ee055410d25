import KSANCore

/// Data ids deleted on a disk lately. Data ids are random and never reused, so a shard write for a deleted id can
/// only be a late arrival of a failed upload (or a repair racing a deletion); refusing it keeps that write from
/// leaving an orphan shard behind. Kept in memory for `lifetime`: far longer than any request in flight at the
/// deletion can last (the gateway gives up on a shard request after 30 s).
public final class Tombstones: Sendable {
    private let ids: ExpiringSet<String>

    /// Creates an empty set.
    public init(lifetime: Duration = .seconds(600)) {
        ids = ExpiringSet(lifetime: lifetime)
    }

    /// Records a deletion.
    public func insert(_ dataId: String) { ids.insert(dataId) }

    /// Whether the id was deleted within the lifetime.
    public func contains(_ dataId: String) -> Bool { ids.contains(dataId) }

    /// How many ids are remembered (expired ones included until the next prune).
    public var count: Int { ids.count }
}
