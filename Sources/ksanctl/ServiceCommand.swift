import ArgumentParser
import KSANPortal

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "The cluster's processes, from their heartbeats: Online, Timeout (three missed) or Offline.",
        subcommands: [List.self, Get.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List services.",
            discussion: """
                Example: ksanctl service list
                A service is Online while its heartbeats (every 5 s) arrive, Timeout when three in a row are \
                missing, and Offline once it stopped cleanly.
                """)
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let services: ItemList<ServiceView> = try await client.get("/services")
                try Output.show(
                    services.items, json: options.json,
                    columns: [
                        ("ID", \.id), ("KIND", \.kind), ("SERVER", { $0.serverId ?? "" }), ("STATE", \.state),
                        ("VERSION", \.version), ("LAST HEARTBEAT", { Output.age(since: $0.lastHeartbeat) }),
                    ])
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one service.", discussion: "Example: ksanctl service get gateway@10.0.0.11:9000")
        @Argument(help: "The service id, as `service list` shows it.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let service: ServiceView = try await client.get("/services/" + PortalClient.segment(id))
                try Output.show(
                    service, json: options.json,
                    fields: [
                        ("id", \.id), ("kind", \.kind), ("server", { $0.serverId ?? "" }), ("endpoint", \.endpoint),
                        ("state", \.state), ("version", \.version),
                        ("last heartbeat", { Output.age(since: $0.lastHeartbeat) }),
                    ])
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a service that is Offline or Timeout (one removed for good).",
            discussion: "Example: ksanctl service remove gateway@10.0.0.11:9000")
        @Argument(help: "The service id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/services/" + PortalClient.segment(id), "service \(id)", options)
        }
    }
}
