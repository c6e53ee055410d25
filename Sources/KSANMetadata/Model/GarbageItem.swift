/// Data no longer referenced by any object or part (overwritten, deleted, aborted, abandoned), queued for deletion.
public struct GarbageItem: Codable, Sendable, Hashable {
    /// Queue entry id.
    public var id: Int64
    /// The shards to delete.
    public var layout: DataLayout

    /// Creates an item.
    public init(id: Int64, layout: DataLayout) {
        self.id = id
        self.layout = layout
    }
}
