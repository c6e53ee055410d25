import ArgumentParser
import KSANPortal

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "The cluster's servers (hosts).",
        subcommands: [Add.self, List.self, Get.self, SetRack.self, SetState.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a server: its OSD's endpoint. Then add its disks (ksanctl disk add).",
            discussion: """
                Examples:
                  ksanctl server add osd4 --endpoint http://10.0.0.14:9101
                  ksanctl server add osd5 --endpoint http://10.0.1.15:9101 --rack r2
                """)
        @Argument(help: "The server id (letters, digits, '.', '_', '-').") var id: String
        @Option(help: "The base URL of the server's ksan-osd.") var endpoint: String
        @Option(help: "The rack it is in, for pools whose failure domain is the rack (letters, digits, '.', '_', '-').")
        var rack: String?
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let server: ServerView = try await client.post(
                    "/servers", CreateServerRequest(id: id, endpoint: endpoint, rack: rack))
                try Output.show(server, json: options.json, fields: ServerCommand.fields)
            }
        }
    }

    struct SetRack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-rack",
            abstract: "Move a server to a rack, or out of any (--none).",
            discussion: """
                Refused while a pool whose failure domain is the rack could then lose data with one rack down, or \
                lists a disk of the server and it would be in no rack. Data already written keeps its placement.
                Examples:
                  ksanctl server set-rack osd4 r2
                  ksanctl server set-rack osd4 --none
                """)
        @Argument(help: "The server id.") var id: String
        @Argument(help: "The rack id.") var rack: String?
        @Flag(help: "Out of any rack.") var none = false
        @OptionGroup var options: PortalOptions

        func validate() throws {
            guard (rack != nil) != none else { throw ValidationError("give a rack or --none, not both") }
        }

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let server: ServerView = try await client.patch(
                    "/servers/" + PortalClient.segment(id), UpdateServerRequest(rack: rack ?? ""))
                try Output.show(server, json: options.json, fields: ServerCommand.fields)
            }
        }
    }

    struct SetState: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-state",
            abstract: "Hold a server Offline, or return it to its heartbeats (Online).",
            discussion: """
                A server is marked Offline by itself when its OSD sends no heartbeat for the metadata service's \
                --osd-timeout (30 s), and Online again when it does. Offline here holds it so whatever its \
                heartbeats say: no new shards go to its disks, reads ask them last, and the workers rebuild its \
                shards elsewhere after a while. Online ends the hold.
                Examples:
                  ksanctl server set-state osd4 Offline
                  ksanctl server set-state osd4 Online
                """)
        @Argument(help: "The server id.") var id: String
        @Argument(help: "Online or Offline.") var state: String
        @OptionGroup var options: PortalOptions

        func validate() throws {
            guard ["Online", "Offline"].contains(state) else { throw ValidationError("the state is Online or Offline") }
        }

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let server: ServerView = try await client.patch(
                    "/servers/" + PortalClient.segment(id), UpdateServerRequest(state: state))
                try Output.show(server, json: options.json, fields: ServerCommand.fields)
            }
        }
    }

    static var fields: [(String, (ServerView) -> String)] {
        [
            ("id", \.id), ("endpoint", \.endpoint), ("rack", { $0.rack ?? "" }),
            ("state", { $0.state + ($0.stateHeld ? " (held)" : "") }),
            ("disks", { $0.disks.joined(separator: ", ") }),
        ]
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a server that has no disks left.", discussion: "Example: ksanctl server remove osd4")
        @Argument(help: "The server id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/servers/" + PortalClient.segment(id), "server \(id)", options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List servers.", discussion: "Example: ksanctl server list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let servers: ItemList<ServerView> = try await client.get("/servers")
                try Output.show(
                    servers.items, json: options.json,
                    columns: [
                        ("ID", \.id), ("ENDPOINT", \.endpoint), ("RACK", { $0.rack ?? "" }),
                        ("DISKS", { $0.disks.joined(separator: ",") }),
                    ])
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one server.", discussion: "Example: ksanctl server get osd1")
        @Argument(help: "The server id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let server: ServerView = try await client.get("/servers/" + PortalClient.segment(id))
                try Output.show(server, json: options.json, fields: ServerCommand.fields)
            }
        }
    }
}
