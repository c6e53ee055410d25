import ArgumentParser
import KSANPortal

struct BucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bucket", abstract: "Buckets and what they hold.", subcommands: [List.self, Info.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List buckets.", discussion: "Example: ksanctl bucket list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let buckets: ItemList<BucketView> = try await client.get("/buckets")
                try Output.show(
                    buckets.items, json: options.json,
                    columns: [
                        ("NAME", \.name), ("OWNER", \.ownerName), ("POOL", \.poolId),
                        ("OBJECTS", { "\($0.objectCount)" }),
                        ("SIZE", { Output.bytes($0.bytes) }), ("CREATED", { Output.date($0.createdAt) }),
                    ])
            }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a bucket: owner, pool, object count, bytes.",
            discussion: "Example: ksanctl bucket info photos")
        @Argument(help: "The bucket name.") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let bucket: BucketView = try await client.get("/buckets/" + PortalClient.segment(name))
                try Output.show(
                    bucket, json: options.json,
                    fields: [
                        ("name", \.name), ("id", \.id), ("owner", { "\($0.ownerName) (\($0.ownerId))" }),
                        ("pool", \.poolId),
                        ("region", \.region), ("objects", { "\($0.objectCount)" }),
                        ("size", { "\(Output.bytes($0.bytes)) (\($0.bytes) bytes)" }),
                        ("created", { Output.date($0.createdAt) }),
                    ])
            }
        }
    }
}
