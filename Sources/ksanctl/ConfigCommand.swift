import ArgumentParser
import KSANPortal

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The live settings of each kind of service, versioned: every change reaches the running services.",
        discussion: """
            KIND is gateway, osd, metadata, portal or worker. Each change is a new version, pushed over the bus: \
            the services of that kind apply it within a second, without a restart. Other options belong to the \
            configuration file (/etc/ksan/ksan.toml) and apply at the next start.
            """,
        subcommands: [Get.self, Set.self, History.self, Rollback.self])

    static func show(_ view: SettingsView, json: Bool) throws {
        if json { return try Output.printJSON(view) }
        print("\(view.kind) settings, version \(view.version)" + (view.comment.map { " (\($0))" } ?? ""))
        for key in view.settings.keys.sorted() { print("  \(key) = \(view.settings[key]!)") }
        if view.settings.isEmpty { print("  (nothing set: the services use their files and flags)") }
        print("live keys: " + view.liveKeys.keys.sorted().joined(separator: ", "))
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the current settings of a kind.", discussion: "Example: ksanctl config get gateway")
        @Argument(help: "gateway, osd, metadata, portal or worker.") var kind: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let view: SettingsView = try await client.get("/config/" + PortalClient.segment(kind))
                try ConfigCommand.show(view, json: options.json)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change settings: a new version, from the current one with KEY=VALUE set and --unset removed.",
            discussion: """
                Examples:
                  ksanctl config set gateway log-level=debug --comment "chasing a 503"
                  ksanctl config set gateway --unset log-level
                """)
        @Argument(help: "gateway, osd, metadata, portal or worker.") var kind: String
        @Argument(help: "KEY=VALUE pairs.") var assignments: [String] = []
        @Option(help: "A key to remove (repeat for several).") var unset: [String] = []
        @Option(help: "What the change is for (kept in the history).") var comment: String?
        @OptionGroup var options: PortalOptions

        func validate() throws {
            guard !assignments.isEmpty || !unset.isEmpty else {
                throw ValidationError("give KEY=VALUE pairs or --unset KEY")
            }
            for assignment in assignments where !assignment.contains("=") || assignment.hasPrefix("=") {
                throw ValidationError("\(assignment): expected KEY=VALUE")
            }
        }

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let path = "/config/" + PortalClient.segment(kind)
                let current: SettingsView = try await client.get(path)
                var settings = current.settings
                for key in unset { settings[key] = nil }
                for assignment in assignments {
                    let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    settings[String(parts[0])] = String(parts[1])
                }
                let saved: SettingsView = try await client.put(
                    path, SetSettingsRequest(settings: settings, comment: comment))
                try ConfigCommand.show(saved, json: options.json)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the versions of a kind's settings, newest first.",
            discussion: "Example: ksanctl config history gateway")
        @Argument(help: "gateway, osd, metadata, portal or worker.") var kind: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let versions: ItemList<SettingsView> = try await client.get(
                    "/config/" + PortalClient.segment(kind) + "/history")
                try Output.show(
                    versions.items, json: options.json,
                    columns: [
                        ("VERSION", { "\($0.version)" }), ("CREATED", { $0.createdAt.map(Output.date) ?? "" }),
                        (
                            "SETTINGS",
                            { view in
                                view.settings.keys.sorted().map { "\($0)=\(view.settings[$0]!)" }
                                    .joined(separator: " ")
                            }
                        ),
                        ("COMMENT", { $0.comment ?? "" }),
                    ])
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an earlier version's settings current again (as a new version).",
            discussion: "Example: ksanctl config rollback gateway 3")
        @Argument(help: "gateway, osd, metadata, portal or worker.") var kind: String
        @Argument(help: "The version to return to.") var version: Int
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let saved: SettingsView = try await client.post(
                    "/config/" + PortalClient.segment(kind) + "/rollback", RollbackSettingsRequest(version: version))
                try ConfigCommand.show(saved, json: options.json)
            }
        }
    }
}
