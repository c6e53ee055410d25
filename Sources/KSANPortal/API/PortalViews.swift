import Foundation
import KSANMetadata

/// A list answer: `{"items": [...]}`.
public struct ItemList<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public init(_ items: [Item]) { self.items = items }
}

/// A new S3 access key, with its secret: shown once.
public struct CreatedAccessKey: Codable, Sendable, Hashable {
    public var accessKeyId: String
    public var secretKey: String
    public var userId: String
    public var enabled: Bool
    public var createdAt: Date
}

/// A portal API key without its secret.
public struct APIKeyView: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var createdAt: Date
}

/// A new portal API key, whole: shown once.
public struct CreatedAPIKey: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var key: String
    public var createdAt: Date
}

/// A new user token, whole: shown once.
public struct CreatedUserToken: Codable, Sendable, Hashable {
    public var token: String
    public var userId: String
    public var expiresAt: Date
}

/// `{"credentials": [...]}` of the OS-EC2 credential API, each with the guide's snake_case fields and
/// `trust_id: null`.
public struct EC2CredentialList: Encodable, Sendable {
    public var credentials: [EC2Credential]

    public init(_ credentials: [EC2Credential]) {
        self.credentials = credentials
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        var list = container.nestedUnkeyedContainer(forKey: .credentials)
        for credential in credentials {
            var item = list.nestedContainer(keyedBy: Key.self)
            try item.encode(credential.access, forKey: .access)
            try item.encode(credential.secret, forKey: .secret)
            try item.encode(credential.tenantId, forKey: .tenantId)
            try item.encode(credential.userId, forKey: .userId)
            try item.encodeNil(forKey: .trustId)
        }
    }

    enum Key: String, CodingKey {
        case credentials, access, secret
        case tenantId = "tenant_id"
        case userId = "user_id"
        case trustId = "trust_id"
    }
}

/// A version of a kind's live settings, with the keys that kind applies live.
public struct SettingsView: Codable, Sendable, Hashable {
    public var kind: String
    /// 0 before any was set.
    public var version: Int
    public var settings: [String: String]
    public var createdAt: Date?
    public var comment: String?
    /// The keys `settings` may hold, with what each does.
    public var liveKeys: [String: String]
}

/// A storage class (`x-amz-storage-class`) and the pool of its new objects.
public struct StorageClassView: Codable, Sendable, Hashable {
    public var name: String
    public var poolId: String
}

/// A server (host), its disks and the services that run on it.
public struct ServerView: Codable, Sendable, Hashable {
    public var id: String
    public var endpoint: String
    /// Its rack; absent: none recorded.
    public var rack: String?
    public var disks: [String]
    /// Ids of the services that name this server or run at its address.
    public var services: [String]
    /// `Online` or `Offline` (no new shards, read last; set from its OSD's heartbeats, or by an operator).
    public var state: String
    /// Since when it has been Offline (or held in its state by an operator); absent otherwise.
    public var stateSince: Date?
    /// Whether an operator holds its state (`ksanctl server set-state`): the heartbeats do not change it.
    public var stateHeld: Bool
}

/// A service and its state.
public struct ServiceView: Codable, Sendable, Hashable {
    public var id: String
    /// `gateway`, `osd`, `metadata`, `portal` or `worker`.
    public var kind: String
    public var serverId: String?
    public var endpoint: String
    public var version: String
    /// `Online`, `Offline` or `Timeout`.
    public var state: String
    public var startedAt: Date
    public var lastHeartbeat: Date
}

/// A disk, the server it is on, its state and mode, and the pools that list it.
public struct DiskView: Codable, Sendable, Hashable {
    public var id: String
    public var serverId: String
    /// `Good`, `Weak`, `Bad` or `Disabled`.
    public var state: String
    /// `ReadWrite`, `ReadOnly` or `Maintenance`.
    public var mode: String
    /// Whether its OSD says it is full (free space under twice its `--disk-reserve`): it takes no new shards.
    public var full: Bool
    public var pools: [String]
    /// The disk's file system size and use as its OSD last reported them (absent until it has).
    public var capacityBytes: Int64?
    public var usedBytes: Int64?
}

/// A disk pool.
public struct PoolView: Codable, Sendable, Hashable {
    /// `erasure` or `replicated`.
    public var kind: String
    public var id: String
    public var k: Int?
    public var m: Int?
    public var replicas: Int?
    public var isDefault: Bool
    /// `host` or `rack`: losing one of them loses at most m shards of a stripe.
    public var failureDomain: String
    public var disks: [String]
    /// Since when a rebalance was asked for and is not done (absent: none).
    public var rebalanceSince: Date?
}

/// A bucket and what it holds.
public struct BucketView: Codable, Sendable, Hashable {
    public var name: String
    public var id: String
    public var ownerId: String
    public var ownerName: String
    public var poolId: String
    public var region: String
    public var createdAt: Date
    public var objectCount: Int64
    public var bytes: Int64
}

/// The one-screen summary of `ksanctl status`.
public struct StatusReport: Codable, Sendable, Hashable {
    public var servers: Int
    public var disks: Int
    public var pools: Int
    public var defaultPool: String?
    public var users: Int
    public var buckets: Int
    public var objects: Int64
    public var bytes: Int64
    public var capacityBytes: Int64
    public var usedBytes: Int64
    /// How many services are in each state.
    public var services: ServiceCounts
    /// `OK`, or `DEGRADED` with the reasons in `warnings`.
    public var health: String
    public var warnings: [String]
    public var queues: QueueLengths
    /// Shards moving off disks that are being emptied.
    public var rebuild: RebuildProgress
    /// Pools whose shards are being spread over their disks.
    public var rebalance: [RebalanceProgress]
}

/// A pool's rebalance (`ksanctl pool rebalance`): how far its disks are from an even spread.
public struct RebalanceProgress: Codable, Sendable, Hashable {
    public var pool: String
    public var since: Date
    /// Bytes of shards above the mean on the pool's disks that take shards: what an even spread moves, at least.
    public var bytesToMove: Int64
    /// The least and most loaded of those disks, in bytes of shards.
    public var leastLoaded: Int64
    public var mostLoaded: Int64
    /// Seconds until done at the pace of every shard move of the last 5 minutes; absent while nothing moved lately.
    public var etaSeconds: Double?
}

/// The progress of rebuilds and drains: what is on the disks being emptied (Bad and Disabled disks, and the disks
/// of Offline hosts, which the workers empty once the host has been Offline for their `--rebuild-after`), and how
/// fast it went lately.
public struct RebuildProgress: Codable, Sendable, Hashable {
    /// The disks being emptied (or waiting to be), sorted.
    public var disks: [String]
    /// Data with a shard on them, and its bytes.
    public var dataRemaining: Int
    public var bytesRemaining: Int64
    /// Data moved in the last 5 minutes.
    public var dataMovedLately: Int
    /// Bytes of data moved per second over the last 5 minutes.
    public var bytesPerSecond: Double
    /// Seconds until done at that pace; absent while nothing moved lately (or nothing is left).
    public var etaSeconds: Double?
}

/// Services by state.
public struct ServiceCounts: Codable, Sendable, Hashable {
    public var online: Int
    public var offline: Int
    public var timeout: Int
}

extension BucketView {
    init(_ usage: BucketUsage) {
        self.init(
            name: usage.bucket.name, id: usage.bucket.id, ownerId: usage.bucket.ownerId,
            ownerName: usage.bucket.ownerDisplayName, poolId: usage.bucket.poolId, region: usage.bucket.region,
            createdAt: usage.bucket.createdAt, objectCount: usage.objectCount, bytes: usage.bytes)
    }
}

extension ServiceView {
    init(_ record: ServiceRecord, now: Date) {
        self.init(
            id: record.id, kind: record.kind.rawValue, serverId: record.serverId, endpoint: record.endpoint,
            version: record.version, state: record.state(at: now).rawValue, startedAt: record.startedAt,
            lastHeartbeat: record.lastHeartbeat)
    }
}

extension PoolView {
    init(_ pool: Topology.Pool, isDefault: Bool) {
        self.init(
            kind: pool.isReplicated ? "replicated" : "erasure", id: pool.id,
            k: pool.isReplicated ? nil : pool.dataShards,
            m: pool.isReplicated ? nil : pool.parityShards, replicas: pool.replicas, isDefault: isDefault,
            failureDomain: pool.domain.rawValue, disks: pool.disks, rebalanceSince: pool.rebalanceSince)
    }
}

/// A join token without its secret.
public struct JoinTokenView: Codable, Sendable, Hashable {
    public var id: String
    public var description: String
    public var createdAt: Date
    public var expiresAt: Date
    public var usesLeft: Int
    /// The hosts that joined with it.
    public var hosts: [String]

    init(_ record: JoinTokenRecord) {
        id = record.id
        description = record.description
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        usesLeft = record.usesLeft
        hosts = record.hosts
    }
}

/// A new join token, whole: shown once.
public struct CreatedJoinToken: Codable, Sendable, Hashable {
    public var id: String
    public var token: String
    public var description: String
    public var expiresAt: Date
    public var usesLeft: Int
}

/// What a host that joined gets: the cluster's secrets and addresses. Sent only to a valid join token's holder.
public struct JoinAnswer: Codable, Sendable, Hashable {
    /// The cluster key every internal call is signed with.
    public var clusterKey: String
    /// The metadata service, `http://host:port`.
    public var metadataUrl: String
    /// The broker, `amqp://user:password@host:port/vhost`, when the portal has one.
    public var amqpUrl: String?

    public init(clusterKey: String, metadataUrl: String, amqpUrl: String?) {
        self.clusterKey = clusterKey
        self.metadataUrl = metadataUrl
        self.amqpUrl = amqpUrl
    }
}
