import ArgumentParser
import Foundation
import KSANMetadata
import KSANPortal

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "S3 users.",
        subcommands: [Create.self, List.self, Get.self, Token.self, Remove.self])

    static var fields: [(String, (UserRecord) -> String)] {
        [
            ("id", \.id), ("name", \.displayName), ("created", { Output.date($0.createdAt) }),
            ("keys", { "\($0.keyCount)" }),
            ("buckets", { "\($0.bucketCount)" }),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user (then give them a key: ksanctl key create NAME).",
            discussion: "Example: ksanctl user create alice")
        @Argument(help: "The user's name (1 to 64 characters).") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let user: UserRecord = try await client.post("/users", CreateUserRequest(name: name))
                try Output.show(user, json: options.json, fields: UserCommand.fields)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users.", discussion: "Example: ksanctl user list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let users: ItemList<UserRecord> = try await client.get("/users")
                try Output.show(
                    users.items, json: options.json,
                    columns: [
                        ("NAME", \.displayName), ("KEYS", { "\($0.keyCount)" }), ("BUCKETS", { "\($0.bucketCount)" }),
                        ("CREATED", { Output.date($0.createdAt) }), ("ID", \.id),
                    ])
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user, by name or id.", discussion: "Example: ksanctl user get alice")
        @Argument(help: "The user's name or id.") var user: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let record: UserRecord = try await client.get("/users/" + PortalClient.segment(user))
                try Output.show(record, json: options.json, fields: UserCommand.fields)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a user and their keys (refused while they own buckets).",
            discussion: "Example: ksanctl user remove alice")
        @Argument(help: "The user's name or id.") var user: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/users/" + PortalClient.segment(user), "user \(user)", options)
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token with which a user manages their own S3 keys (the OS-EC2 credential API).",
            discussion: """
                Example: ksanctl user token alice --ttl 86400
                The token is printed once; give it to the user, who then calls, on the portal,
                  POST   /v2.0/users/<user id>/credentials/OS-EC2   {"tenant_id": "..."}   (a new key and secret)
                  GET    /v2.0/users/<user id>/credentials/OS-EC2
                  DELETE /v2.0/users/<user id>/credentials/OS-EC2/<access key>
                with the header X-Auth-Token: <token>. See docs/portal.md.
                """)
        @Argument(help: "The user's name or id.") var user: String
        @Option(help: "Seconds the token is valid (60 to 2592000).") var ttl: Int = 86_400
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let token: CreatedUserToken = try await client.post(
                    "/users/" + PortalClient.segment(user) + "/tokens", CreateUserTokenRequest(ttlSeconds: ttl))
                try Output.show(
                    token, json: options.json,
                    fields: [
                        ("token", \.token), ("user id", \.userId), ("expires", { Output.date($0.expiresAt) }),
                    ])
            }
        }
    }
}
