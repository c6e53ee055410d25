import Foundation
import KSANCore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Keeps a service on the latest ``ServiceSettings`` of its kind: fetches the current version at start (retrying
/// while the metadata service is not there yet), then applies every newer version pushed on the bus. A version
/// missed while the broker was away is applied with the next one, or at the next start.
public struct ConfigListener: Service {
    let bus: any MessageBus
    let kind: ServiceKind
    let defaults: [String: String]
    let fetch: @Sendable () async throws -> ServiceSettings?
    let logger: Logger

    /// - Parameters:
    ///   - defaults: the live settings the process started with (its flags or file; by default those of `kind` it
    ///     runs now), restored for a key a version leaves out.
    ///   - fetch: the current version of `kind`, or nil if none was ever set.
    public init(
        bus: any MessageBus, kind: ServiceKind, defaults: [String: String]? = nil, logger: Logger,
        fetch: @escaping @Sendable () async throws -> ServiceSettings?
    ) {
        self.bus = bus
        self.kind = kind
        self.defaults = defaults ?? LiveSettings.current(for: kind)
        self.fetch = fetch
        self.logger = logger
    }

    public func run() async throws {
        let events = try await bus.subscribe(
            exchange: BusExchange.control, pattern: TopicPattern(ServiceSettings.routingKey))
        let applied = NIOLockedValueBox(0)  // the version applied last
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await initial(applied) }
                group.addTask {
                    for await event in events {
                        guard let settings = try? ServiceSettings.decode(event.payload), settings.kind == kind else {
                            continue
                        }
                        apply(settings, applied)
                    }
                }
                await group.waitForAll()
            }
        }
    }

    func initial(_ applied: NIOLockedValueBox<Int>) async {
        var pause: Duration = .milliseconds(200)
        while !Task.isCancelled {
            do {
                if let settings = try await fetch() { apply(settings, applied) }
                return
            } catch {
                logger.debug("settings not read yet", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(10))
            }
        }
    }

    /// Applies a version newer than the last applied (versions only grow: one arriving late is dropped).
    func apply(_ settings: ServiceSettings, _ applied: NIOLockedValueBox<Int>) {
        let newer = applied.withLockedValue { last in
            guard settings.version > last else { return false }
            last = settings.version
            return true
        }
        guard newer else { return }
        LiveSettings.apply(settings.settings, defaults: defaults)
        logger.info(
            "settings applied",
            metadata: ["ksan.config.version": "\(settings.version)", "ksan.config.kind": "\(kind.rawValue)"])
    }
}
