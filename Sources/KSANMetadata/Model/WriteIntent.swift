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
    /// The process writing it, when it heartbeats (a gateway with a message bus); nil otherwise.
    public var writer: IntentWriter?

    /// Creates an intent.
    public init(layout: DataLayout, createdAt: Date, writer: IntentWriter? = nil) {
        self.layout = layout
        self.createdAt = createdAt
        self.writer = writer
    }
}
