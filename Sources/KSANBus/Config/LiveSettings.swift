import KSANCore
import Logging

/// The settings a service applies while it runs, pushed by the portal (``ServiceSettings``). Any other option is
/// the configuration file's, read at start: the portal refuses to keep a key that no running service would apply.
///
/// - every kind: `log-level`;
/// - OSDs: `scrub-interval` (seconds between scrub passes, 0: none) and `scrub-rate` (MB per second a pass reads),
///   the options of the same names, read by the scrubber at each wait and each shard (``scrubInterval``,
///   ``scrubRate``);
/// - workers: `repair-rate`, `rebuild-rate` and `rebalance-rate` (MB per second of shards the repair, the rebuild
///   and the rebalance read and write, 0: no limit), read by those workers at each pass (``repairRate``,
///   ``rebuildRate``, ``rebalanceRate``).
public enum LiveSettings {
    /// Seconds between the end of a scrub pass and the next (0: no scrubbing), from `--scrub-interval` at start.
    public static let scrubInterval = LiveValue<Double>(86_400)
    /// MB per second a scrub pass reads at most, from `--scrub-rate` at start.
    public static let scrubRate = LiveValue<Int>(64)
    /// MB per second of shards the repair worker reads and writes at most (0: no limit), from `--repair-rate`.
    public static let repairRate = LiveValue<Int>(0)
    /// MB per second of shards the rebuild (and drain) reads and writes at most (0: no limit), from `--rebuild-rate`.
    public static let rebuildRate = LiveValue<Int>(0)
    /// MB per second of shards a pool rebalance reads and writes at most (0: no limit), from `--rebalance-rate`.
    public static let rebalanceRate = LiveValue<Int>(64)

    /// The keys each kind applies live, with what they do.
    public static func keys(for kind: ServiceKind) -> [String: String] {
        var keys = ["log-level": "trace, debug, info, notice, warning, error or critical: the level of every logger"]
        if kind == .osd {
            keys["scrub-interval"] = "seconds from the end of a scrub pass to the next, 0 to 31536000 (0: no scrubbing)"
            keys["scrub-rate"] = "MB per second a scrub pass reads at most, 1 to 100000"
        }
        if kind == .worker {
            keys["repair-rate"] = "MB per second of shards repair reads and writes at most, 0 to 100000 (0: no limit)"
            keys["rebuild-rate"] =
                "MB per second of shards rebuild and drain read and write at most, 0 to 100000 (0: no limit)"
            keys["rebalance-rate"] =
                "MB per second of shards a pool rebalance reads and writes at most, 0 to 100000 (0: no limit)"
        }
        return keys
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
        if let text = settings["scrub-interval"], interval(text) == nil {
            return "scrub-interval must be a number of seconds from 0 to 31536000"
        }
        if let text = settings["scrub-rate"], rate(text) == nil {
            return "scrub-rate must be a whole number of MB per second from 1 to 100000"
        }
        for key in ["repair-rate", "rebuild-rate", "rebalance-rate"] {
            if let text = settings[key], repairRate(text) == nil {
                return "\(key) must be a whole number of MB per second from 0 to 100000"
            }
        }
        return nil
    }

    /// The live settings of `kind` as the process runs them now (before any version is applied: its flags or file).
    public static func current(for kind: ServiceKind) -> [String: String] {
        var settings = ["log-level": LiveLogLevel.shared.current.rawValue]
        if kind == .osd {
            settings["scrub-interval"] = String(scrubInterval.value)
            settings["scrub-rate"] = String(scrubRate.value)
        }
        if kind == .worker {
            settings["repair-rate"] = String(repairRate.value)
            settings["rebuild-rate"] = String(rebuildRate.value)
            settings["rebalance-rate"] = String(rebalanceRate.value)
        }
        return settings
    }

    /// Applies `settings` over `defaults` (what the process started with): a key the version leaves out returns to
    /// its default. A value that is not valid (checked by the portal already) is left as it is.
    public static func apply(_ settings: [String: String], defaults: [String: String]) {
        let effective = defaults.merging(settings) { $1 }
        if let text = effective["log-level"], let level = Logger.Level(rawValue: text) {
            LiveLogLevel.shared.current = level
        }
        if let seconds = effective["scrub-interval"].flatMap(interval) { scrubInterval.value = seconds }
        if let megabytes = effective["scrub-rate"].flatMap(rate) { scrubRate.value = megabytes }
        if let megabytes = effective["repair-rate"].flatMap(repairRate) { repairRate.value = megabytes }
        if let megabytes = effective["rebuild-rate"].flatMap(repairRate) { rebuildRate.value = megabytes }
        if let megabytes = effective["rebalance-rate"].flatMap(repairRate) { rebalanceRate.value = megabytes }
    }

    static func interval(_ text: String) -> Double? {
        guard let seconds = Double(text), seconds.isFinite, (0...31_536_000).contains(seconds) else { return nil }
        return seconds
    }

    static func rate(_ text: String) -> Int? {
        guard let megabytes = Int(text), (1...100_000).contains(megabytes) else { return nil }
        return megabytes
    }

    static func repairRate(_ text: String) -> Int? {
        guard let megabytes = Int(text), (0...100_000).contains(megabytes) else { return nil }
        return megabytes
    }
}
