import Foundation

/// Whether a host serves: Online, or Offline (its OSD stopped heartbeating for longer than the timeout, said it
/// stopped, or an operator took it out). An Offline host's disks get no new shards and are read last; after a
/// while its shards are rebuilt on other hosts.
public enum HostState: String, Codable, Sendable, CaseIterable {
    case online = "Online"
    case offline = "Offline"
}
