import ArgumentParser
import KSANPortal

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "One screen: servers, disks, pools, users, buckets, capacity, queues.",
        discussion: "Example: ksanctl status")

    @OptionGroup var options: PortalOptions

    func run() async throws {
        let client = try options.client()
        try await Output.run {
            let status: StatusReport = try await client.get("/status")
            if options.json { return try Output.printJSON(status) }
            let servers: ItemList<ServerView> = try await client.get("/servers")
            let pools: ItemList<PoolView> = try await client.get("/pools")
            print("KSAN cluster at \(client.baseURL)")
            print(
                "  servers \(status.servers)  disks \(status.disks)  pools \(status.pools) (default \(status.defaultPool ?? "none"))"
            )
            print(
                "  users \(status.users)  buckets \(status.buckets)  objects \(status.objects)  stored \(Output.bytes(status.bytes))"
            )
            print(
                "  queues: repair \(status.queues.repair)  garbage \(status.queues.garbage)  "
                    + "outbox \(status.queues.outbox.pending) (oldest \(Int(status.queues.outbox.oldestAgeSeconds)) s)")
            print("")
            Output.table(
                [["SERVER", "ENDPOINT", "DISKS"]]
                    + servers.items.map { [$0.id, $0.endpoint, $0.disks.joined(separator: ",")] })
            print("")
            Output.table(
                [["POOL", "SCHEME", "DEFAULT", "DISKS"]]
                    + pools.items.map {
                        [$0.id, PoolCommand.scheme($0), $0.isDefault ? "yes" : "", "\($0.disks.count)"]
                    })
        }
    }
}
