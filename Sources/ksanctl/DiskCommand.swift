import ArgumentParser
import KSANPortal

struct DiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk", abstract: "The cluster's disks.",
        subcommands: [Add.self, List.self, Get.self, SetMode.self, SetState.self, Drain.self, Remove.self])

    static var fields: [(String, (DiskView) -> String)] {
        [
            ("id", \.id), ("server", \.serverId), ("state", \.state), ("mode", \.mode),
            ("pools", { $0.pools.joined(separator: ", ") }), ("capacity", { DiskCommand.capacity($0) }),
            ("full", { $0.full ? "yes: takes no new shards" : "no" }),
        ]
    }

    /// `used / capacity (n %)`, followed by `full` when its OSD says so, or `-` before its OSD reported it.
    static func capacity(_ disk: DiskView) -> String {
        guard let capacity = disk.capacityBytes, let used = disk.usedBytes, capacity > 0 else { return "-" }
        let percent = Int((Double(used) / Double(capacity) * 100).rounded())
        return "\(Output.bytes(used)) / \(Output.bytes(capacity)) (\(percent) %)" + (disk.full ? " full" : "")
    }

    static func update(_ id: String, _ body: UpdateDiskRequest, _ options: PortalOptions) async throws {
        let client = try options.client()
        try await Output.run {
            let disk: DiskView = try await client.patch("/disks/" + PortalClient.segment(id), body)
            try Output.show(disk, json: options.json, fields: DiskCommand.fields)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a disk of a server (its OSD serves it as --disk ID=PATH); a pool must list it to get shards.",
            discussion: "Example: ksanctl disk add osd4-d1 --server osd4")
        @Argument(help: "The disk id, as the OSD names it.") var id: String
        @Option(help: "The server the disk is on.") var server: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let disk: DiskView = try await client.post("/disks", CreateDiskRequest(id: id, serverId: server))
                try Output.show(disk, json: options.json, fields: DiskCommand.fields)
            }
        }
    }

    struct SetMode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-mode",
            abstract: "ReadWrite, or ReadOnly / Maintenance: no new shards (reads go on). Gateways follow within 10 s.",
            discussion: "Example: ksanctl disk set-mode osd1-d1 ReadOnly")
        @Argument(help: "The disk id.") var id: String
        @Argument(help: "ReadWrite, ReadOnly or Maintenance.") var mode: String
        @OptionGroup var options: PortalOptions
        func run() async throws { try await DiskCommand.update(id, UpdateDiskRequest(mode: mode), options) }
    }

    struct SetState: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-state", abstract: "Good or Weak (takes shards), Bad or Disabled (takes none).",
            discussion: "Example: ksanctl disk set-state osd1-d1 Disabled")
        @Argument(help: "The disk id.") var id: String
        @Argument(help: "Good, Weak, Bad or Disabled.") var state: String
        @OptionGroup var options: PortalOptions
        func run() async throws { try await DiskCommand.update(id, UpdateDiskRequest(state: state), options) }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move every shard off a disk before it is removed (sets it Disabled).",
            discussion: """
                The workers copy each shard of the disk to another disk that keeps the pool's failure-domain rule \
                (reading it from the disk itself while it answers), then switch placement: reads use the new disk \
                at once, and the disk's copies are collected. `ksanctl status` shows what is left and the ETA; \
                `ksanctl disk remove` is refused while the disk holds data. The workers' rebuild-rate limits it \
                (ksanctl config set worker rebuild-rate=100). To stop a drain: ksanctl disk set-state DISK Good.
                Example: ksanctl disk drain osd1-d2
                """)
        @Argument(help: "The disk id.") var id: String
        @OptionGroup var options: PortalOptions
        func run() async throws { try await DiskCommand.update(id, UpdateDiskRequest(state: "Disabled"), options) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a disk that no pool lists and that holds no shard.",
            discussion: "Example: ksanctl disk remove osd4-d1")
        @Argument(help: "The disk id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws { try await Output.remove("/disks/" + PortalClient.segment(id), "disk \(id)", options) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List disks.", discussion: "Example: ksanctl disk list")
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let disks: ItemList<DiskView> = try await client.get("/disks")
                try Output.show(
                    disks.items, json: options.json,
                    columns: [
                        ("ID", \.id), ("SERVER", \.serverId), ("STATE", \.state), ("MODE", \.mode),
                        ("POOLS", { $0.pools.joined(separator: ",") }), ("USED", { DiskCommand.capacity($0) }),
                    ])
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one disk.", discussion: "Example: ksanctl disk get osd1-d1")
        @Argument(help: "The disk id.") var id: String
        @OptionGroup var options: PortalOptions

        func run() async throws {
            let client = try options.client()
            try await Output.run {
                let disk: DiskView = try await client.get("/disks/" + PortalClient.segment(id))
                try Output.show(
                    disk, json: options.json,
                    fields: [("id", \.id), ("server", \.serverId), ("pools", { $0.pools.joined(separator: ", ") })])
            }
        }
    }
}
