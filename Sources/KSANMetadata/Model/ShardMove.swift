/// A shard of committed data moving to another disk (rebuild, drain): shard `index` from disk `from` to disk `to`.
public struct ShardMove: Codable, Sendable, Hashable {
    public var index: Int
    public var from: String
    public var to: String

    public init(index: Int, from: String, to: String) {
        self.index = index
        self.from = from
        self.to = to
    }
}
