import Foundation
import KSANBus

/// A service of the cluster as its heartbeats recorded it.
public struct ServiceRecord: Codable, Sendable, Hashable {
    /// Online while heartbeats arrive, Timeout when three in a row are missing, Offline once it said it stopped.
    public enum State: String, Codable, Sendable, CaseIterable {
        case online = "Online"
        case offline = "Offline"
        case timeout = "Timeout"
    }

    public var id: String
    public var kind: ServiceKind
    public var serverId: String?
    public var endpoint: String
    public var version: String
    public var startedAt: Date
    public var lastHeartbeat: Date
    public var intervalSeconds: Double
    /// When it said it stopped, if it did after its last start.
    public var stoppedAt: Date?

    public init(
        id: String, kind: ServiceKind, serverId: String?, endpoint: String, version: String, startedAt: Date,
        lastHeartbeat: Date, intervalSeconds: Double, stoppedAt: Date?
    ) {
        self.id = id
        self.kind = kind
        self.serverId = serverId
        self.endpoint = endpoint
        self.version = version
        self.startedAt = startedAt
        self.lastHeartbeat = lastHeartbeat
        self.intervalSeconds = intervalSeconds
        self.stoppedAt = stoppedAt
    }

    /// Its state at `now`: a pure function of the record, so that every reader agrees.
    public func state(at now: Date) -> State {
        if stoppedAt != nil { return .offline }
        return now.timeIntervalSince(lastHeartbeat) > 3 * intervalSeconds ? .timeout : .online
    }
}
