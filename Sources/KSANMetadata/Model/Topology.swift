import Foundation

/// The cluster's hosts, disks and pools, as the metadata service knows them.
public struct Topology: Codable, Sendable, Hashable {
    /// One OSD host.
    public struct Host: Codable, Sendable, Hashable {
        /// Host id (`osd1`).
        public var id: String
        /// Base URL of the host's OSD process (`http://10.0.0.5:9101`).
        public var endpoint: String
        /// The ids of the disks this host serves.
        public var disks: [String]
        /// The rack the host is in, for pools whose failure domain is the rack; nil: none recorded.
        public var rack: String?
        /// Offline, or nil for Online (what a topology file says of every host).
        public var state: HostState?
        /// Since when the host has been Offline (or in the state an operator holds); nil otherwise and in a file.
        public var stateSince: Date?
        /// Whether an operator holds the state (the heartbeats do not change it); nil: no.
        public var stateHeld: Bool?

        /// Creates a host.
        public init(
            id: String, endpoint: String, disks: [String], rack: String? = nil, state: HostState? = nil,
            stateSince: Date? = nil, stateHeld: Bool? = nil
        ) {
            self.id = id
            self.endpoint = endpoint
            self.disks = disks
            self.rack = rack
            self.state = state
            self.stateSince = stateSince
            self.stateHeld = stateHeld
        }

        /// Whether the host is Offline.
        public var isOffline: Bool { state == .offline }
    }

    /// A disk pool: erasure-coded k+m, or replicated with n copies.
    public struct Pool: Codable, Sendable, Hashable {
        /// Pool id.
        public var id: String
        /// k, for an erasure-coded pool.
        public var k: Int?
        /// m, for an erasure-coded pool.
        public var m: Int?
        /// n, for a replicated pool.
        public var replicas: Int?
        /// The disks of the pool.
        public var disks: [String]
        /// Whether new buckets use this pool.
        public var `default`: Bool?
        /// The failure domain: losing one of them may cost at most `m` shards of a stripe; nil: the host.
        public var failureDomain: FailureDomain?
        /// Since when a rebalance was asked for and is not done (nil: none).
        public var rebalanceSince: Date?

        /// Creates a pool.
        public init(
            id: String, k: Int? = nil, m: Int? = nil, replicas: Int? = nil, disks: [String], default: Bool? = nil,
            failureDomain: FailureDomain? = nil, rebalanceSince: Date? = nil
        ) {
            self.rebalanceSince = rebalanceSince
            self.id = id
            self.k = k
            self.m = m
            self.replicas = replicas
            self.disks = disks
            self.default = `default`
            self.failureDomain = failureDomain
        }

        /// The failure domain, the host when none is given.
        public var domain: FailureDomain { failureDomain ?? .host }

        /// Data shards per stripe (1 for a replicated pool).
        public var dataShards: Int { replicas != nil ? 1 : (k ?? 4) }
        /// Parity shards per stripe (copies minus one for a replicated pool).
        public var parityShards: Int { replicas.map { $0 - 1 } ?? (m ?? 2) }
        /// Whether the pool keeps full copies.
        public var isReplicated: Bool { replicas != nil }
    }

    /// The hosts.
    public var hosts: [Host]
    /// The pools.
    public var pools: [Pool]
    /// The disks whose settings are not the default (Good, ReadWrite), by disk id; nil when there are none.
    public var diskSettings: [String: DiskSettings]?
    /// Storage classes other than STANDARD mapped to the pools that store them (`x-amz-storage-class`); absent: none
    /// (from a file: the classes already recorded are kept).
    public var storageClasses: [String: String]?

    /// Creates a topology.
    public init(
        hosts: [Host], pools: [Pool], diskSettings: [String: DiskSettings]? = nil,
        storageClasses: [String: String]? = nil
    ) {
        self.hosts = hosts
        self.pools = pools
        self.diskSettings = diskSettings
        self.storageClasses = storageClasses
    }

    /// The pool of a storage class: the bucket's own for STANDARD (`bucketPool`), the mapped one for another known
    /// class, nil for a class that is unknown or not mapped here.
    public func pool(ofStorageClass name: String, bucketPool: String) -> String? {
        name == StorageClassName.standard ? bucketPool : storageClasses?[name]
    }

    /// A disk's settings.
    public func settings(ofDisk disk: String) -> DiskSettings { diskSettings?[disk] ?? .default }

    /// The pool new buckets use: the one marked default, else the first.
    public var defaultPool: Pool? { pools.first { $0.default == true } ?? pools.first }

    /// The host that serves a disk.
    public func host(ofDisk disk: String) -> Host? { hosts.first { $0.disks.contains(disk) } }

    /// Whether the host that serves a disk is Offline (a disk of no host is not).
    public func isOnOfflineHost(_ disk: String) -> Bool { host(ofDisk: disk)?.isOffline ?? false }
}
