import KSANCore

/// Names one shard file: shard `shard` of stripe `stripe` of the data `dataId`.
///
/// Only validated ids and numbers ever become path components, so no request can name a file outside its disk.
public struct ShardAddress: Sendable, Hashable, CustomStringConvertible {
    /// The data id (1–128 characters of `[A-Za-z0-9_-]`).
    public var dataId: String
    /// Stripe index.
    public var stripe: Int
    /// Shard index within the stripe (0..<255).
    public var shard: Int

    /// Creates an address, or throws `.invalidAddress` if a component is out of range.
    public init(dataId: String, stripe: Int, shard: Int) throws {
        guard Self.isValid(dataId: dataId), (0..<(1 << 31)).contains(stripe), (0..<255).contains(shard) else {
            throw StorageError(.invalidAddress, "invalid shard address")
        }
        self.dataId = dataId
        self.stripe = stripe
        self.shard = shard
    }

    /// Whether a data id is safe to use as a path component.
    public static func isValid(dataId: String) -> Bool {
        Identifier.isSafePathComponent(dataId)
    }

    /// The directory of all shards of a data id, relative to a disk root: `shards/ab/abcdef...`.
    public static func directory(of dataId: String) -> String {
        "shards/\(dataId.prefix(2))/\(dataId)"
    }

    /// The file name within ``directory(of:)``: `<stripe>.<shard>.shard`.
    public var fileName: String { "\(stripe).\(shard).shard" }

    /// The path relative to a disk root.
    public var relativePath: String { "\(Self.directory(of: dataId))/\(fileName)" }

    public var description: String { "\(dataId)/\(stripe).\(shard)" }
}
