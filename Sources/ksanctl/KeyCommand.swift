import ArgumentParser
import Foundation
import KSANMetadata
import KSANPortal

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Users' S3 access keys.",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, Remove.self])

    static var columns: [(String, (AccessKeySummary) -> String)] {
        [
            ("ACCESS KEY", \.accessKeyId), ("STATE", { $0.enabled ? "enabled" : "disabled" }),
            ("CREATED", { Output.date($0.createdAt) }), ("USER", \.userId),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an S3 key for a user; the secret is printed once and cannot be read again.",
            discussion: "Example: ksanctl key create alice")
        @Argument(help: "The user's name or id.") var user: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let key: CreatedAccessKey = try await client.post("/users/" + PortalClient.segment(user) + "/keys")
                try Output.show(
                    key, json: options.json,
                    fields: [
                        ("access key", \.accessKeyId), ("secret key", \.secretKey), ("user", \.userId),
                        ("note", { _ in "the secret is shown only now" }),
                    ])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List S3 keys (without secrets), of one user or of all.",
            discussion: "Examples: ksanctl key list; ksanctl key list alice")
        @Argument(help: "A user's name or id (default: every user).") var user: String?
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let path = user.map { "/users/" + PortalClient.segment($0) + "/keys" } ?? "/keys"
                let keys: ItemList<AccessKeySummary> = try await client.get(path)
                try Output.show(keys.items, json: options.json, columns: KeyCommand.columns)
            }
        }
    }

    static func setEnabled(_ id: String, _ enabled: Bool, _ options: PortalOptions) async throws {
        let client = try options.client()
        try await Output.run {
            let key: AccessKeySummary = try await client.patch(
                "/keys/" + PortalClient.segment(id), UpdateAccessKeyRequest(enabled: enabled))
            try Output.show([key], json: options.json, columns: KeyCommand.columns)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an S3 key: the gateways refuse it (InvalidAccessKeyId) within 10 seconds.",
            discussion: "Example: ksanctl key disable KS0123456789ABCDEFGH")
        @Argument(help: "The access key id.") var accessKey: String
        @OptionGroup var options: PortalOptions
        func run() async throws { try await KeyCommand.setEnabled(accessKey, false, options) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enable a disabled S3 key again.", discussion: "Example: ksanctl key enable KS0123456789ABCDEFGH")
        @Argument(help: "The access key id.") var accessKey: String
        @OptionGroup var options: PortalOptions
        func run() async throws { try await KeyCommand.setEnabled(accessKey, true, options) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an S3 key.", discussion: "Example: ksanctl key remove KS0123456789ABCDEFGH")
        @Argument(help: "The access key id.") var accessKey: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/keys/" + PortalClient.segment(accessKey), "key \(accessKey)", options)
        }
    }
}
