import Foundation

/// The process writing the data of a ``WriteIntent``: its service id (`gateway@host:port`, as its heartbeats name
/// it) and when that process started. Garbage collection takes the intents of a writer that restarted since, or
/// that stopped, for abandoned at once instead of after the intent age: that process can no longer finish them.
public struct IntentWriter: Codable, Sendable, Hashable {
    /// The writer's service id.
    public var id: String
    /// When the writing process started (its heartbeats' `startedAt`).
    public var startedAt: Date

    /// Seconds after which the intents of a writer that went silent are taken for abandoned: its heartbeats stopped
    /// for this long (a process killed that never came back) while other services are still heard (so the bus works),
    /// and the intent was not marked alive for this long either (a write marks it every 10 minutes at most).
    public static let silenceLimit: Double = 900

    /// A writer.
    public init(id: String, startedAt: Date) {
        self.id = id
        self.startedAt = startedAt
    }
}
