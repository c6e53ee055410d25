import ArgumentParser
import KSANPortal

struct StorageClassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage-class",
        abstract: "Storage classes: which pool stores the objects a client writes with x-amz-storage-class.",
        discussion: """
            STANDARD is each bucket's own pool. Any other class S3 knows (STANDARD_IA, GLACIER, ...) is accepted by \
            the gateways once mapped to a pool, and refused with InvalidStorageClass until then.
            """,
        subcommands: [Set.self, List.self, Remove.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map a storage class to a pool (new objects of the class go there; old ones stay).",
            discussion: "Example: ksanctl storage-class set STANDARD_IA --pool cold")
        @Argument(help: "An S3 storage class other than STANDARD.") var name: String
        @Option(help: "The pool that stores it.") var pool: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let view: StorageClassView = try await client.put(
                    "/storage-classes/" + PortalClient.segment(name), SetStorageClassRequest(pool: pool))
                try Output.show(view, json: options.json, fields: [("name", \.name), ("pool", \.poolId)])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the mapped storage classes.", discussion: "Example: ksanctl storage-class list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let classes: ItemList<StorageClassView> = try await client.get("/storage-classes")
                try Output.show(classes.items, json: options.json, columns: [("CLASS", \.name), ("POOL", \.poolId)])
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unmap a storage class (writes asking for it are refused again; its objects stay).",
            discussion: "Example: ksanctl storage-class remove STANDARD_IA")
        @Argument(help: "The storage class.") var name: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            try await Output.remove("/storage-classes/" + PortalClient.segment(name), "storage class \(name)", options)
        }
    }
}
