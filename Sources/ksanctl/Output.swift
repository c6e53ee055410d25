import ArgumentParser
import Foundation
import KSANPortal

/// How commands print and fail.
enum Output {
    /// Prints `value` as JSON, or as a table of `columns` (a header and one row per item).
    static func show<Item: Encodable>(
        _ items: [Item], json: Bool, columns: [(String, (Item) -> String)]
    ) throws {
        if json {
            try printJSON(items)
            return
        }
        var rows = [columns.map(\.0)]
        for item in items { rows.append(columns.map { $0.1(item) }) }
        table(rows)
    }

    /// Prints one item as JSON or as `name: value` lines.
    static func show<Item: Encodable>(_ item: Item, json: Bool, fields: [(String, (Item) -> String)]) throws {
        if json {
            try printJSON(item)
            return
        }
        let width = fields.map(\.0.count).max() ?? 0
        for (name, value) in fields {
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value(item))
        }
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = PortalJSON.encoder
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Columns padded to their widest cell.
    static func table(_ rows: [[String]]) {
        guard let header = rows.first else { return }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.indices.map { index in
                index == row.count - 1
                    ? row[index] : row[index].padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// Bytes as a human figure (binary units).
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// How long ago, in seconds, minutes, hours or days.
    static func age(since date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<120: return "\(seconds) s ago"
        case ..<7200: return "\(seconds / 60) min ago"
        case ..<172_800: return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86400) d ago"
        }
    }

    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Deletes the resource at `path` and says so (nothing with --json).
    static func remove(_ path: String, _ what: String, _ options: PortalOptions) async throws {
        let client = try options.client()
        try await run {
            try await client.delete(path)
            if !options.json { print("removed \(what)") }
        }
    }

    /// Runs a call, turning its failure into a message on stderr and the documented exit status.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as PortalClient.Failure {
            FileHandle.standardError.write(Data("ksanctl: error: \(failure)\n".utf8))
            switch failure {
            case .refused(let status, _, _) where status == 401: throw ExitCode(3)
            case .refused(let status, _, _) where status >= 500: throw ExitCode(5)
            case .refused: throw ExitCode(1)
            case .unreachable: throw ExitCode(4)
            }
        }
    }
}
