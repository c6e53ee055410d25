import ArgumentParser
import KSANMetadata
import KSANPortal

struct ZoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone", abstract: "Other clusters, by name and S3 endpoint, that buckets replicate to.",
        subcommands: [Add.self, List.self, Get.self, Remove.self])

    static var fields: [(String, (ZoneRecord) -> String)] {
        [("name", \.name), ("endpoint", \.endpoint), ("created", { Output.date($0.createdAt) })]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a zone.",
            discussion: "Example: ksanctl zone add seoul-b --endpoint https://s3.seoul-b.example.com")
        @Argument(help: "The zone's name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "The S3 endpoint of the other cluster (http:// or https://).") var endpoint: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let zone: ZoneRecord = try await client.post(
                    "/zones", CreateZoneRequest(name: name, endpoint: endpoint))
                try Output.show(zone, json: options.json, fields: ZoneCommand.fields)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List zones.", discussion: "Example: ksanctl zone list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let zones: ItemList<ZoneRecord> = try await client.get("/zones")
                try Output.show(
                    zones.items, json: options.json,
                    columns: [("NAME", \.name), ("ENDPOINT", \.endpoint), ("CREATED", { Output.date($0.createdAt) })])
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one zone.", discussion: "Example: ksanctl zone get seoul-b")
        @Argument(help: "The zone's name.") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let zone: ZoneRecord = try await client.get("/zones/" + PortalClient.segment(name))
                try Output.show(zone, json: options.json, fields: ZoneCommand.fields)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a zone.", discussion: "Example: ksanctl zone remove seoul-b")
        @Argument(help: "The zone's name.") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/zones/" + PortalClient.segment(name), "zone \(name)", options)
        }
    }
}
