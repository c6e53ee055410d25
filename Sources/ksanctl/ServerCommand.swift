import ArgumentParser
import KSANPortal

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "The cluster's servers (hosts).",
        subcommands: [Add.self, List.self, Get.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a server: its OSD's endpoint. Then add its disks (ksanctl disk add).",
            discussion: "Example: ksanctl server add osd4 --endpoint http://10.0.0.14:9101")
        @Argument(help: "The server id (letters, digits, '.', '_', '-').") var id: String
        @Option(help: "The base URL of the server's ksan-osd.") var endpoint: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let server: ServerView = try await client.post(
                    "/servers", CreateServerRequest(id: id, endpoint: endpoint))
                try Output.show(server, json: options.json, fields: [("id", \.id), ("endpoint", \.endpoint)])
            }
        }
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
                    columns: [("ID", \.id), ("ENDPOINT", \.endpoint), ("DISKS", { $0.disks.joined(separator: ",") })])
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
                try Output.show(
                    server, json: options.json,
                    fields: [("id", \.id), ("endpoint", \.endpoint), ("disks", { $0.disks.joined(separator: ", ") })])
            }
        }
    }
}
