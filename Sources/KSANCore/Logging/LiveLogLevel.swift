import Logging
import NIOConcurrencyHelpers

/// The process's log level, changeable while it runs (by a configuration pushed over the bus): every logger made
/// after ``bootstrap(_:)`` reads it at each call.
public final class LiveLogLevel: Sendable {
    /// The process's level.
    public static let shared = LiveLogLevel(.info)

    private let box: NIOLockedValueBox<Logger.Level>

    init(_ level: Logger.Level) {
        box = NIOLockedValueBox(level)
    }

    public var current: Logger.Level {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }

    /// Sends every logger of the process to standard error at ``shared``'s level, starting at `level`. Once per
    /// process.
    public static func bootstrap(_ level: Logger.Level) {
        shared.current = level
        LoggingSystem.bootstrap { label in
            LiveLevelLogHandler(base: StreamLogHandler.standardError(label: label), level: shared)
        }
    }
}

/// A stream handler whose level is the process's ``LiveLogLevel``.
struct LiveLevelLogHandler: LogHandler {
    var base: StreamLogHandler
    let level: LiveLogLevel

    var logLevel: Logger.Level {
        get { level.current }
        set { level.current = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
