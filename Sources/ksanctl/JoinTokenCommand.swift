import ArgumentParser
import KSANPortal

struct JoinTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join-token", abstract: "Tokens that let new hosts join the cluster.",
        discussion: """
            A new host presents a token (cluster/install.sh --join TOKEN --portal-url URL, or ksanctl join) and gets \
            the cluster key and the metadata and broker addresses, so that nothing secret is copied by hand. A token \
            expires, and serves a limited number of hosts (a host re-joining, as a re-run of the installer does, \
            uses nothing).
            """,
        subcommands: [Create.self, List.self, Remove.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a join token; it is printed once (only its hash is kept).",
            discussion: """
                Examples:
                  ksanctl join-token create                         # one host, within an hour
                  ksanctl join-token create --uses 3 --ttl 86400 --description "rack 2"
                """)
        @Option(help: "Seconds until it expires (60 to 604800).") var ttl = 3600
        @Option(help: "How many hosts may join with it (1 to 1000).") var uses = 1
        @Option(help: "What it is for.") var description: String?
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let token: CreatedJoinToken = try await client.post(
                    "/join-tokens", CreateJoinTokenRequest(ttlSeconds: ttl, uses: uses, description: description))
                try Output.show(
                    token, json: options.json,
                    fields: [
                        ("id", \.id), ("token", \.token), ("uses", { "\($0.usesLeft)" }),
                        ("expires", { Output.date($0.expiresAt) }),
                    ])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the join tokens that have not expired.", discussion: "Example: ksanctl join-token list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let tokens: ItemList<JoinTokenView> = try await client.get("/join-tokens")
                try Output.show(
                    tokens.items, json: options.json,
                    columns: [
                        ("ID", \.id), ("USES LEFT", { "\($0.usesLeft)" }), ("EXPIRES", { Output.date($0.expiresAt) }),
                        ("HOSTS", { $0.hosts.isEmpty ? "-" : $0.hosts.joined(separator: ",") }),
                        ("DESCRIPTION", \.description),
                    ])
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a join token (hosts that joined with it stay).",
            discussion: "Example: ksanctl join-token remove 0a1b2c3d4e5f")
        @Argument(help: "The token's id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/join-tokens/" + PortalClient.segment(id), "join token \(id)", options)
        }
    }
}
