import ArgumentParser
import Foundation
import KSANPortal

struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool", abstract: "The cluster's disk pools.",
        subcommands: [Create.self, List.self, Get.self, SetDefault.self, AddDisks.self, Rebalance.self, Remove.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a pool over existing disks; refused if one failure domain down could lose data.",
            discussion: """
                Each stripe is spread over the failure domains (hosts, or racks) so that losing one loses at most m \
                shards: k+m over D domains puts up to ceil((k+m)/D) shards on one, which must not exceed m.
                Examples:
                  ksanctl pool create wide --ec 4+2 --disks osd1-d1,osd2-d1,osd3-d1,osd4-d1,osd5-d1,osd6-d1
                  ksanctl pool create copies --replicas 3 --disks osd1-d2,osd2-d2,osd3-d2 --default
                  ksanctl pool create racked --ec 4+2 --failure-domain rack --disks osd1-d1,osd2-d1,osd3-d1,osd4-d1
                """)
        @Argument(help: "The pool id.") var id: String
        @Option(help: "Erasure coding, K+M (4+2, 8+4).") var ec: String?
        @Option(help: "Replication: N copies.") var replicas: Int?
        @Option(help: "host or rack: what the pool survives losing one of (racks: ksanctl server set-rack).")
        var failureDomain = "host"
        @Option(help: "The disks, comma-separated.") var disks: String
        @Flag(help: "Make it the default pool of new buckets.") var `default` = false
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            let body = CreatePoolRequest(
                id: id, ec: ec, replicas: replicas, failureDomain: failureDomain,
                disks: disks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                default: self.default ? true : nil)
            try await Output.run {
                let pool: PoolView = try await client.post("/pools", body)
                try Output.show([pool], json: options.json, columns: PoolCommand.columns)
            }
        }
    }

    struct SetDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-default", abstract: "Make a pool the default of new buckets.",
            discussion: "Example: ksanctl pool set-default wide")
        @Argument(help: "The pool id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let pool: PoolView = try await client.patch(
                    "/pools/" + PortalClient.segment(id), UpdatePoolRequest(default: true))
                try Output.show([pool], json: options.json, columns: PoolCommand.columns)
            }
        }
    }

    struct AddDisks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-disks",
            abstract: "Add disks to a pool; new shards go to them at once, the stored ones move with `pool rebalance`.",
            discussion: "Example: ksanctl pool add-disks default osd1-d3 osd2-d3 osd3-d3")
        @Argument(help: "The pool id.") var id: String
        @Argument(help: "The disks to add.") var disks: [String]
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let path = "/pools/" + PortalClient.segment(id)
                let current: PoolView = try await client.get(path)
                let added = disks.filter { !current.disks.contains($0) }
                let pool: PoolView = try await client.patch(path, UpdatePoolRequest(disks: current.disks + added))
                try Output.show([pool], json: options.json, columns: PoolCommand.columns)
            }
        }
    }

    struct Rebalance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spread a pool's stored shards evenly over its disks (after disks were added), or stop doing so.",
            discussion: """
                The workers move shards from the most to the least loaded disks of the pool, at most \
                rebalance-rate MB per second (64 unless set: ksanctl config set worker rebalance-rate=N), until \
                every disk is within 10 % of the mean; ksanctl status shows what is left. Examples:
                  ksanctl pool rebalance default
                  ksanctl pool rebalance default --stop
                """)
        @Argument(help: "The pool id.") var id: String
        @Flag(help: "Stop the rebalance (the shards moved so far stay where they are).") var stop = false
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let path = "/pools/" + PortalClient.segment(id) + "/rebalance"
                if stop {
                    try await client.delete(path)
                } else {
                    let pool: PoolView = try await client.post(path)
                    try Output.show([pool], json: options.json, columns: PoolCommand.columns)
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a pool no bucket, upload or stored data uses (not the default).",
            discussion: "Example: ksanctl pool remove old")
        @Argument(help: "The pool id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws { try await Output.remove("/pools/" + PortalClient.segment(id), "pool \(id)", options) }
    }

    static var columns: [(String, (PoolView) -> String)] {
        [
            ("ID", \.id), ("SCHEME", PoolCommand.scheme), ("DOMAIN", \.failureDomain),
            ("DEFAULT", { $0.isDefault ? "yes" : "" }), ("DISKS", { $0.disks.joined(separator: ",") }),
            ("REBALANCE", { $0.rebalanceSince == nil ? "" : "running" }),
        ]
    }

    static func scheme(_ pool: PoolView) -> String {
        if let replicas = pool.replicas { return "\(replicas) replicas" }
        return "EC \(pool.k ?? 0)+\(pool.m ?? 0)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List pools.", discussion: "Example: ksanctl pool list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let pools: ItemList<PoolView> = try await client.get("/pools")
                try Output.show(pools.items, json: options.json, columns: PoolCommand.columns)
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one pool.", discussion: "Example: ksanctl pool get default")
        @Argument(help: "The pool id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let pool: PoolView = try await client.get("/pools/" + PortalClient.segment(id))
                try Output.show(
                    pool, json: options.json,
                    fields: [
                        ("id", \.id), ("scheme", PoolCommand.scheme), ("domain", \.failureDomain),
                        ("default", { $0.isDefault ? "yes" : "no" }), ("disks", { $0.disks.joined(separator: ", ") }),
                    ])
            }
        }
    }
}
