import Hummingbird
import KSANCore
import Logging

/// Builds the OSD's HTTP application: opens every disk and serves ``OSDProtocol``, with a ``Scrubber`` service
/// when `configuration.scrubInterval` is set.
///
/// The `ksan-osd` executable and the tests both call this.
/// - Parameter reportCorrupt: what the scrubber does with a data id that has a corrupt shard on a disk.
public func buildOSDApplication(
    configuration: OSDConfiguration, logger: Logger,
    reportCorrupt: @escaping @Sendable (_ dataId: String, _ disk: String) async -> Void = { _, _ in }
) throws -> some ApplicationProtocol {
    let stores = try configuration.disks.map { try DiskStore(id: $0.id, root: $0.path) }
    let router = Router()
    if let key = configuration.clusterKey {
        router.add(middleware: ClusterKeyMiddleware(key: key))
    } else {
        logger.warning("no cluster key: the OSD API is open to anyone who can reach it")
    }
    OSDRoutes(hostId: configuration.hostId, disks: stores).add(to: router)
    logger.info(
        "OSD ready",
        metadata: ["ksan.host": "\(configuration.hostId)", "ksan.disks": "\(stores.map(\.id))"])
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listen.host, port: configuration.listen.port),
            serverName: "ksan-osd"),
        logger: logger
    )
    if let interval = configuration.scrubInterval {
        app.addServices(
            Scrubber(
                stores: stores, interval: interval, rate: configuration.scrubRate, logger: logger,
                report: reportCorrupt))
    }
    return app
}
