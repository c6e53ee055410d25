import Foundation

/// Which hosts are Online and which Offline, judged from the heartbeats of their OSDs: a pure decision, tested
/// without I/O (``HostMonitor`` applies it).
///
/// A host is Offline when its OSD said it stopped, or its last heartbeat is older than `timeout`; Online when a
/// heartbeat is newer. A host with no OSD heartbeat on record (a cluster without a bus, or an OSD never started)
/// is not judged. Nothing is judged while the heartbeats cannot be trusted to arrive:
/// - until the judge has run for `timeout` (a metadata service that just started has not heard anyone yet);
/// - while no service at all has a heartbeat newer than `timeout` (the broker is down: silence says nothing of the
///   hosts, and marking every host Offline would start rebuilding everything).
public struct HostLiveness: Sendable {
    /// How long an OSD may stay silent before its host is Offline.
    public var timeout: TimeInterval
    /// When the judge started.
    public var startedAt: Date

    public init(timeout: TimeInterval, startedAt: Date) {
        self.timeout = timeout
        self.startedAt = startedAt
    }

    /// The state each judged host should have at `now`, by host id.
    public func judge(hosts: [String], services: [ServiceRecord], now: Date) -> [String: HostState] {
        guard now.timeIntervalSince(startedAt) >= timeout else { return [:] }
        guard let freshest = services.map(\.lastHeartbeat).max(), now.timeIntervalSince(freshest) <= timeout else {
            return [:]
        }
        var verdicts: [String: HostState] = [:]
        for host in hosts {
            // The latest OSD process of the host (an OSD that moved to another port leaves its old record).
            let osds = services.filter { $0.kind == .osd && $0.serverId == host }
            guard let latest = osds.max(by: { $0.lastHeartbeat < $1.lastHeartbeat }) else { continue }
            let silent = now.timeIntervalSince(latest.lastHeartbeat) > timeout
            verdicts[host] = latest.stoppedAt != nil || silent ? .offline : .online
        }
        return verdicts
    }
}
