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
            let services: ItemList<ServiceView> = try await client.get("/services")
            print("KSAN cluster at \(client.baseURL): \(status.health)")
            for warning in status.warnings { print("  ! " + warning) }
            print(
                "  servers \(status.servers)  disks \(status.disks)  pools \(status.pools) (default \(status.defaultPool ?? "none"))"
            )
            print(
                "  users \(status.users)  buckets \(status.buckets)  objects \(status.objects)  stored \(Output.bytes(status.bytes))"
            )
            print(
                "  services: \(status.services.online) online, \(status.services.timeout) timeout, "
                    + "\(status.services.offline) offline")
            print(
                "  capacity \(Output.bytes(status.capacityBytes))  used \(Output.bytes(status.usedBytes))"
                    + (status.capacityBytes > 0
                        ? " (\(Int((Double(status.usedBytes) / Double(status.capacityBytes) * 100).rounded())) %)" : "")
            )
            print(
                "  queues: repair \(status.queues.repair)  garbage \(status.queues.garbage)  "
                    + "outbox \(status.queues.outbox.pending) (oldest \(Int(status.queues.outbox.oldestAgeSeconds)) s)")
            if !status.rebuild.disks.isEmpty {
                let rebuild = status.rebuild
                let eta = rebuild.etaSeconds.map { "ETA \(Int($0.rounded())) s" } ?? "no progress in the last 5 min"
                print(
                    "  rebuild: \(rebuild.dataRemaining) data (\(Output.bytes(rebuild.bytesRemaining))) on "
                        + "\(rebuild.disks.joined(separator: ",")) to move; "
                        + "\(Output.bytes(Int64(rebuild.bytesPerSecond)))/s lately, \(eta)")
            }
            for rebalance in status.rebalance {
                let eta = rebalance.etaSeconds.map { "ETA \(Int($0.rounded())) s" } ?? "no progress in the last 5 min"
                print(
                    "  rebalance: pool \(rebalance.pool), \(Output.bytes(rebalance.bytesToMove)) of shards to move "
                        + "(disks hold \(Output.bytes(rebalance.leastLoaded)) to \(Output.bytes(rebalance.mostLoaded))), "
                        + eta)
            }
            print("")
            Output.table(
                [["SERVER", "ENDPOINT", "DISKS", "SERVICES"]]
                    + servers.items.map { server in
                        [
                            server.id, server.endpoint, server.disks.joined(separator: ","),
                            services.items.filter { server.services.contains($0.id) }
                                .map { "\($0.kind) \($0.state)" }.joined(separator: ", "),
                        ]
                    })
            print("")
            Output.table(
                [["POOL", "SCHEME", "DEFAULT", "DISKS"]]
                    + pools.items.map {
                        [$0.id, PoolCommand.scheme($0), $0.isDefault ? "yes" : "", "\($0.disks.count)"]
                    })
            let others = services.items.filter { service in !servers.items.contains { $0.services.contains(service.id) }
            }
            if !others.isEmpty {
                print("")
                Output.table(
                    [["SERVICE", "KIND", "STATE"]] + others.map { [$0.id, $0.kind, $0.state] })
            }
        }
    }
}
