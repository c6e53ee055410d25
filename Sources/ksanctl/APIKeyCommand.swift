import ArgumentParser
import KSANPortal

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "The portal's API keys (rotate: create a new one, then remove the old).",
        subcommands: [Create.self, List.self, Remove.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; it is printed once (only its hash is kept).",
            discussion: "Example: ksanctl api-key create ops-laptop")
        @Argument(help: "What the key is for.") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let key: CreatedAPIKey = try await client.post("/api-keys", CreateAPIKeyRequest(name: name))
                try Output.show(key, json: options.json, fields: [("id", \.id), ("name", \.name), ("key", \.key)])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List API keys.", discussion: "Example: ksanctl api-key list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let keys: ItemList<APIKeyView> = try await client.get("/api-keys")
                try Output.show(
                    keys.items, json: options.json,
                    columns: [("ID", \.id), ("NAME", \.name), ("CREATED", { Output.date($0.createdAt) })])
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an API key (never the last one).",
            discussion: "Example: ksanctl api-key remove 0a1b2c3d4e5f")
        @Argument(help: "The key's id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/api-keys/" + PortalClient.segment(id), "API key \(id)", options)
        }
    }
}
