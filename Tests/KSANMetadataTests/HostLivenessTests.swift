import Foundation
import KSANBus
import Testing

@testable import KSANMetadata

/// The judgement of hosts from their OSDs' heartbeats, without I/O.
@Suite("Host liveness")
struct HostLivenessTests {
    static let start = Date(timeIntervalSince1970: 1_000_000)

    static func osd(_ host: String, heard: TimeInterval, stopped: Bool = false, port: Int = 9101) -> ServiceRecord {
        ServiceRecord(
            id: "osd@\(host):\(port)", kind: .osd, serverId: host, endpoint: "\(host):\(port)", version: "1",
            startedAt: start, lastHeartbeat: start.addingTimeInterval(heard), intervalSeconds: 1,
            stoppedAt: stopped ? start.addingTimeInterval(heard) : nil)
    }

    static let gateway = ServiceRecord(
        id: "gateway@g:9000", kind: .gateway, serverId: nil, endpoint: "g:9000", version: "1", startedAt: start,
        lastHeartbeat: start.addingTimeInterval(100), intervalSeconds: 1, stoppedAt: nil)

    @Test("silent longer than the timeout, or stopped: Offline; heard lately: Online; never heard: not judged")
    func verdicts() {
        let liveness = HostLiveness(timeout: 30, startedAt: Self.start)
        let now = Self.start.addingTimeInterval(100)
        let services = [
            Self.osd("h1", heard: 99), Self.osd("h2", heard: 60), Self.osd("h3", heard: 99, stopped: true),
            Self.osd("h4", heard: 75), Self.gateway,
            // h5 moved to another port: its latest process counts.
            Self.osd("h5", heard: 10, port: 9101), Self.osd("h5", heard: 98, port: 9102),
        ]
        let verdicts = liveness.judge(hosts: ["h1", "h2", "h3", "h4", "h5", "h6"], services: services, now: now)
        #expect(verdicts == ["h1": .online, "h2": .offline, "h3": .offline, "h4": .online, "h5": .online])
    }

    @Test("nothing is judged before the judge has heard for a timeout, nor while every service is silent")
    func noJudgementWithoutHeartbeats() {
        let liveness = HostLiveness(timeout: 30, startedAt: Self.start)
        // Just started: old records say nothing yet.
        #expect(liveness.judge(hosts: ["h1"], services: [Self.osd("h1", heard: -500)], now: Self.start + 10).isEmpty)
        // The broker is down: nobody is heard, so nobody is marked Offline.
        let now = Self.start.addingTimeInterval(200)
        #expect(
            liveness.judge(
                hosts: ["h1", "h2"], services: [Self.osd("h1", heard: 100), Self.osd("h2", heard: 120)], now: now
            ).isEmpty)
        // One service heard lately is enough to trust the silence of the others.
        #expect(
            liveness.judge(
                hosts: ["h1", "h2"], services: [Self.osd("h1", heard: 100), Self.osd("h2", heard: 190)], now: now)
                == ["h1": .offline, "h2": .online])
    }
}
