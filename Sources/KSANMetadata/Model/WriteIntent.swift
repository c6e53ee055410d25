import Foundation

/// A record, made before shards are written, of data that is not yet referenced by any object or part.
///
/// A committed object or part removes the intents of its layouts in the same transaction. An intent that
/// outlives its writer (crash, client disconnect) tells garbage collection which shards to delete.
public struct WriteIntent: Codable, Sendable, Hashable {
    /// The data being written.
    public var layout: DataLayout
    /// When the write started.
    public var createdAt: Date

    /// Creates an intent.
    public init(layout: DataLayout, createdAt: Date) {
        self.layout = layout
        self.createdAt = createdAt
    }
}
