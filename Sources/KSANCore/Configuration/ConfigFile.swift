import Foundation
import TOMLKit

/// The one configuration file of every KSAN service: TOML, a table per service (`[metadata]`, `[osd]`,
/// `[gateway]`, `[portal]`) whose keys are that executable's long option names (`listen`, `metadata-url`,
/// `disk = ["h1-d1=/srv/ksan/d1"]`, `allow-open-api = true`). The file is turned into the command-line arguments it
/// stands for, so it accepts exactly what the flags accept and is checked by the same parser: a key no option has is
/// refused at start, naming it.
///
/// Precedence, highest first: a flag given on the command line; the environment variable `KSAN_<SECTION>_<KEY>`
/// (upper case, dashes as underscores: `KSAN_GATEWAY_LISTEN`) for a key of the file; the file; the defaults. Arrays
/// come from the environment as comma-separated lists, booleans as `true` or `false`. The file is named by
/// `--config FILE` or `KSAN_CONFIG`; without either the command line is used as it is.
public enum ConfigFile {
    /// What is wrong with a configuration file.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// `commandLine` (without the executable's name) preceded by the arguments the file's `section` stands for.
    public static func arguments(
        section: String, commandLine: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Problem) -> [String] {
        guard let path = path(in: commandLine) ?? environment["KSAN_CONFIG"] else { return commandLine }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(description: "cannot read the configuration file \(path)")
        }
        return try arguments(
            section: section, toml: text, path: path, environment: environment, commandLine: commandLine)
            + commandLine
    }

    /// The arguments of one table of a TOML document, but for the keys `commandLine` gives (so that a repeatable
    /// option given there replaces the file's values instead of adding to them).
    static func arguments(
        section: String, toml: String, path: String, environment: [String: String], commandLine: [String] = []
    ) throws(Problem) -> [String] {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            throw Problem(description: "\(path): \(error.description) (\(error.source.begin))")
        } catch {
            throw Problem(description: "\(path): not valid TOML")
        }
        guard let table = document[section]?.table else {
            throw Problem(description: "\(path) has no [\(section)] table")
        }
        var result: [String] = []
        for key in table.keys.sorted() {
            guard key != "config", key != "check-config", !given(key, in: commandLine), let value = table[key] else {
                continue
            }
            let variable = "KSAN_\(section)_\(key)".uppercased().replacingOccurrences(of: "-", with: "_")
            if let override = environment[variable] {
                result += try values(of: override, as: value, key: key, path: path)
            } else {
                result += try values(of: value, key: key, path: path)
            }
        }
        return result
    }

    /// The arguments of one TOML value.
    static func values(of value: any TOMLValueConvertible, key: String, path: String) throws(Problem) -> [String] {
        let flag = "--" + key
        if let bool = value.bool { return bool ? [flag] : [] }
        if let string = value.string { return [flag, string] }
        if let int = value.int { return [flag, String(int)] }
        if let double = value.double { return [flag, String(double)] }
        if let array = value.array {
            var result: [String] = []
            for element in array {
                guard let string = element.string else {
                    throw Problem(description: "\(path): \(key) must be an array of strings")
                }
                result += [flag, string]
            }
            return result
        }
        throw Problem(description: "\(path): \(key) must be a string, a number, a boolean or an array of strings")
    }

    /// The arguments of an environment override of a key whose file value is `value` (for its type).
    static func values(of text: String, as value: any TOMLValueConvertible, key: String, path: String) throws(Problem)
        -> [String]
    {
        let flag = "--" + key
        if value.bool != nil {
            switch text {
            case "true": return [flag]
            case "false": return []
            default: throw Problem(description: "the environment gives \(key) '\(text)': expected true or false")
            }
        }
        if value.array != nil {
            return text.split(separator: ",").flatMap { [flag, String($0)] }
        }
        return [flag, text]
    }

    /// Whether the command line gives `--key` (alone, with a value after it, or as `--key=value`).
    static func given(_ key: String, in commandLine: [String]) -> Bool {
        commandLine.contains { $0 == "--" + key || $0.hasPrefix("--" + key + "=") }
    }

    /// The value of `--config FILE` or `--config=FILE`.
    static func path(in commandLine: [String]) -> String? {
        for (index, argument) in commandLine.enumerated() {
            if argument == "--config", index + 1 < commandLine.count { return commandLine[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return nil
    }

    /// The options `arguments` give, one per line (`--disk d1=/srv/d1`), in order, with the password of any URL
    /// among the values hidden: what `--check-config` prints.
    public static func describe(_ arguments: [String]) -> String {
        var lines: [String] = []
        for argument in arguments {
            if argument.hasPrefix("-") || lines.isEmpty {
                lines.append(redactingPasswords(argument))
            } else {
                lines[lines.count - 1] += " " + redactingPasswords(argument)
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `text` with the password of a URL's user information (`scheme://user:password@`) and of a `password=`
    /// parameter replaced by `***`.
    static func redactingPasswords(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://"),
            case let authority = result[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" },
            let at = authority.lastIndex(of: "@"),
            let colon = result[scheme.upperBound..<at].firstIndex(of: ":")
        {
            result.replaceSubrange(result.index(after: colon)..<at, with: "***")
        }
        if let parameter = result.range(of: "password=") {
            let end = result[parameter.upperBound...].firstIndex(of: "&") ?? result.endIndex
            result.replaceSubrange(parameter.upperBound..<end, with: "***")
        }
        return result
    }
}
