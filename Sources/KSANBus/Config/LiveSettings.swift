import KSANCore
import Logging

/// The settings a service applies while it runs, pushed by the portal (``ServiceSettings``). Any other option is
/// the configuration file's, read at start: the portal refuses to keep a key that no running service would apply.
public enum LiveSettings {
    /// The keys each kind applies live, with what they do.
    public static func keys(for kind: ServiceKind) -> [String: String] {
        ["log-level": "trace, debug, info, notice, warning, error or critical: the level of every logger"]
    }

    /// Why `settings` cannot be kept for `kind`, or nil if they can.
    public static func problem(with settings: [String: String], for kind: ServiceKind) -> String? {
        let known = keys(for: kind)
        for key in settings.keys.sorted() where known[key] == nil {
            return "\(key) is not applied live by \(kind.rawValue) services (live keys: "
                + known.keys.sorted().joined(separator: ", ") + "); set it in the configuration file instead"
        }
        if let level = settings["log-level"], Logger.Level(rawValue: level) == nil {
            return "log-level must be one of trace, debug, info, notice, warning, error, critical"
        }
        return nil
    }

    /// The live settings as the process runs them now (before any version is applied: its flags or file).
    public static func current() -> [String: String] {
        ["log-level": LiveLogLevel.shared.current.rawValue]
    }

    /// Applies `settings` over `defaults` (what the process started with): a key the version leaves out returns to
    /// its default.
    public static func apply(_ settings: [String: String], defaults: [String: String]) {
        let effective = defaults.merging(settings) { $1 }
        if let text = effective["log-level"], let level = Logger.Level(rawValue: text) {
            LiveLogLevel.shared.current = level
        }
    }
}
