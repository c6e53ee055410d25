import Foundation
import Synchronization

/// Loopback ports for the processes tests start, handed out by one counter for the whole test run.
///
/// Asking the kernel for a free port (binding port 0) and closing it lets two tests running in parallel get the same
/// port before either process has bound it, and that port is one of the ephemeral range that outgoing connections
/// also use. The CI run of 2026-12-01 lost a test to one of these (a service that never answered its health check).
/// Ports from here come from below the ephemeral range (32768–60999 on Linux), each handed out once per run, and
/// only after a bind to it succeeded.
public enum TestPorts {
    /// The ports handed out: 20000 to 32767, starting at an offset of this process's, so that two runs on one
    /// machine start apart.
    static let range = 20000..<32768
    private static let next = Mutex(20000 + Int(getpid() % 64) * 150)

    /// `count` consecutive free ports (the first is returned), none handed out before in this run.
    public static func reserve(_ count: Int = 1) throws -> Int {
        precondition(count >= 1 && count < 100)
        for _ in 0..<(range.count / count) {
            let first = next.withLock { next -> Int in
                if next + count > range.upperBound { next = range.lowerBound }
                defer { next += count }
                return next
            }
            if (first..<first + count).allSatisfy(isFree) { return first }
        }
        throw PortError(description: "no \(count) free consecutive ports in \(range)")
    }

    public struct PortError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether a TCP socket can bind 127.0.0.1:`port` now (without SO_REUSEADDR, so a port in TIME_WAIT counts as
    /// taken).
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
