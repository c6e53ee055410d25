import KSANMetadata

/// What the data plane asks of metadata: the write intents that make an unfinished write collectable, and the
/// repair queue. The gateway's is the metadata service (``MetadataCatalog``); tests use one in memory.
public protocol DataCatalog: Sendable {
    /// Records that `intent`'s data is being written: until it is committed or dropped, garbage collection may
    /// delete its shards once the intent is old.
    func registerIntent(_ intent: WriteIntent) async throws
    /// Marks the intent alive; false if it is gone (collected).
    func touchIntent(dataId: String) async throws -> Bool
    /// Forgets the intent of data that is committed or deleted.
    func dropIntent(dataId: String) async throws
    /// Queues the data for repair.
    func queueRepair(_ layout: DataLayout) async throws
}
