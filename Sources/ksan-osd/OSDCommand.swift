import ArgumentParser
import Hummingbird
import KSANCore
import KSANStorage
import Logging

/// `ksan-osd`: serves the disk directories of one host.
@main
struct OSDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ksan-osd", abstract: "Store erasure-coded shards on this host's disks.")

    @Option(help: "Address to listen on (host:port).")
    var listen: String = "127.0.0.1:9101"

    @Option(help: "This host's id, as in the cluster topology.")
    var hostId: String

    @Option(help: "A disk served by this OSD, as id=/absolute/path (repeat for several).")
    var disk: [String]

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"

    func validate() throws {
        guard HostPort(listen) != nil else { throw ValidationError("--listen must be host:port") }
        guard !disk.isEmpty else { throw ValidationError("give at least one --disk id=/path") }
        for d in disk where OSDConfiguration.Disk(argument: d) == nil {
            throw ValidationError("--disk \(d): expected id=/absolute/path")
        }
    }

    func run() async throws {
        var logger = Logger(label: "ksan-osd")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let configuration = OSDConfiguration(
            listen: HostPort(listen)!, hostId: hostId, disks: disk.compactMap(OSDConfiguration.Disk.init(argument:)))
        let app = try buildOSDApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
