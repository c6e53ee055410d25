import ArgumentParser
import Foundation
import KSANPortal

/// Where the portal is, with which key, and how to print: shared by every command.
struct PortalOptions: ParsableArguments {
    @Option(help: "The portal, e.g. http://127.0.0.1:9400 (default: $KSAN_PORTAL_URL, then the config file).")
    var portalURL: String?

    @Option(help: "The API key (default: $KSAN_API_KEY, then the config file). Prefer the environment or the file.")
    var apiKey: String?

    @Option(help: "A config file with `portal_url = ...` and `api_key = ...` lines.")
    var config: String?

    @Flag(help: "Print JSON (the portal's own) instead of tables.")
    var json = false

    /// The client these options name; without an API key when `requiringKey` is false (a host's join, whose token
    /// is its credential).
    func client(requiringKey: Bool = true) throws -> PortalClient {
        let environment = ProcessInfo.processInfo.environment
        let file = try settings()
        guard let url = portalURL ?? environment["KSAN_PORTAL_URL"] ?? file["portal_url"], !url.isEmpty else {
            throw ValidationError(
                "no portal URL: give --portal-url, set KSAN_PORTAL_URL, or write portal_url in a config file")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the portal URL must start with http:// or https://, not \(url)")
        }
        guard requiringKey else { return PortalClient(baseURL: url, apiKey: "") }
        guard let key = apiKey ?? environment["KSAN_API_KEY"] ?? file["api_key"], !key.isEmpty else {
            throw ValidationError("no API key: give --api-key, set KSAN_API_KEY, or write api_key in a config file")
        }
        return PortalClient(baseURL: url, apiKey: key)
    }

    /// The settings of the config file, if one is named or found.
    func settings() throws -> [String: String] {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        let candidates = config.map { [$0] } ?? [home + "/.config/ksan/ksanctl.conf", "/etc/ksan/ksanctl.conf"]
        for path in candidates {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                if config != nil { throw ValidationError("cannot read the config file \(path)") }
                continue
            }
            var settings: [String: String] = [:]
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let parts = trimmed.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                guard parts.count == 2 else { throw ValidationError("\(path): not a `name = value` line: \(trimmed)") }
                settings[parts[0]] = parts[1]
            }
            return settings
        }
        return [:]
    }
}
