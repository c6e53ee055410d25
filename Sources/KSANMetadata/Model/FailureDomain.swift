/// What a pool spreads each stripe over, so that losing one of them loses at most `m` shards: a host (the default),
/// or a rack of hosts (every host of the pool's disks then names its rack).
public enum FailureDomain: String, Codable, Sendable, Hashable, CaseIterable {
    case host
    case rack
}
