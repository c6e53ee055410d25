import Hummingbird
import Logging

/// Builds the OSD's HTTP application: opens every disk and serves ``OSDProtocol``.
///
/// The `ksan-osd` executable and the tests both call this.
public func buildOSDApplication(configuration: OSDConfiguration, logger: Logger) throws -> some ApplicationProtocol {
    let stores = try configuration.disks.map { try DiskStore(id: $0.id, root: $0.path) }
    let router = Router()
    OSDRoutes(hostId: configuration.hostId, disks: stores).add(to: router)
    logger.info(
        "OSD ready",
        metadata: ["ksan.host": "\(configuration.hostId)", "ksan.disks": "\(stores.map(\.id))"])
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.listen.host, port: configuration.listen.port),
            serverName: "ksan-osd"),
        logger: logger
    )
}
