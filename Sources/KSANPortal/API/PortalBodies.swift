/// `POST /api/v1/users`.
public struct CreateUserRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["name"]
    /// The display name.
    public var name: String
    public init(name: String) { self.name = name }
}

/// `PATCH /api/v1/keys/{accessKeyId}`.
public struct UpdateAccessKeyRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["enabled"]
    public var enabled: Bool
    public init(enabled: Bool) { self.enabled = enabled }
}

/// `POST /api/v1/api-keys`.
public struct CreateAPIKeyRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["name"]
    public var name: String
    public init(name: String) { self.name = name }
}

/// `POST /api/v1/servers`.
public struct CreateServerRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["id", "endpoint", "rack"]
    public var id: String
    /// The base URL of the server's OSD (`http://10.0.0.5:9101`).
    public var endpoint: String
    /// The rack it is in, for pools whose failure domain is the rack.
    public var rack: String?
    public init(id: String, endpoint: String, rack: String? = nil) {
        self.id = id
        self.endpoint = endpoint
        self.rack = rack
    }
}

/// `PATCH /api/v1/servers/{id}`: `{"rack": "r2"}` moves the server to rack r2, `{"rack": ""}` out of any rack.
public struct UpdateServerRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["rack", "state"]
    /// The rack to move the server to; "": out of any.
    public var rack: String?
    /// `Offline` (held until set `Online`) or `Online` (back to the heartbeats' judgement).
    public var state: String?
    public init(rack: String? = nil, state: String? = nil) {
        self.rack = rack
        self.state = state
    }
}

/// `POST /api/v1/disks`.
public struct CreateDiskRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["id", "serverId"]
    public var id: String
    public var serverId: String
    public init(id: String, serverId: String) {
        self.id = id
        self.serverId = serverId
    }
}

/// `PATCH /api/v1/disks/{id}`: a new state, a new mode, or both.
public struct UpdateDiskRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["state", "mode"]
    /// `Good`, `Weak`, `Bad` or `Disabled`.
    public var state: String?
    /// `ReadWrite`, `ReadOnly` or `Maintenance`.
    public var mode: String?
    public init(state: String? = nil, mode: String? = nil) {
        self.state = state
        self.mode = mode
    }
}

/// `POST /api/v1/pools`: erasure coded (`ec`: "4+2") or replicated (`replicas`: 3) over existing disks.
public struct CreatePoolRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["id", "ec", "replicas", "failureDomain", "disks", "default"]
    public var id: String
    public var ec: String?
    public var replicas: Int?
    /// `host` (the default) or `rack` (every server of the disks then has a rack).
    public var failureDomain: String?
    public var disks: [String]
    public var `default`: Bool?
    public init(
        id: String, ec: String? = nil, replicas: Int? = nil, failureDomain: String? = nil, disks: [String],
        default: Bool? = nil
    ) {
        self.id = id
        self.ec = ec
        self.replicas = replicas
        self.failureDomain = failureDomain
        self.disks = disks
        self.default = `default`
    }
}

/// `PATCH /api/v1/pools/{id}`: `{"default": true}` makes it the default pool of new buckets.
public struct UpdatePoolRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["default", "disks"]
    /// true: new buckets use this pool.
    public var `default`: Bool?
    /// The pool's disks: every disk it keeps plus those it gains (a disk left out must hold none of its shards).
    public var disks: [String]?
    public init(default: Bool? = nil, disks: [String]? = nil) {
        self.default = `default`
        self.disks = disks
    }
}

/// `POST /api/v1/zones`.
public struct CreateZoneRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["name", "endpoint"]
    public var name: String
    /// The S3 endpoint of the other cluster.
    public var endpoint: String
    public init(name: String, endpoint: String) {
        self.name = name
        self.endpoint = endpoint
    }
}

/// `POST /api/v1/users/{user}/tokens`.
public struct CreateUserTokenRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["ttlSeconds"]
    /// How long the token is valid: 60 s to 30 days (default a day).
    public var ttlSeconds: Int?
    public init(ttlSeconds: Int? = nil) {
        self.ttlSeconds = ttlSeconds
    }
}

/// `POST /v2.0/users/{user}/credentials/OS-EC2`, as the NHN guide gives it.
public struct CreateEC2CredentialRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["tenant_id"]
    public var tenantId: String
    enum CodingKeys: String, CodingKey {
        case tenantId = "tenant_id"
    }
}

/// `PUT /api/v1/storage-classes/{name}`.
public struct SetStorageClassRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["pool"]
    /// The pool that stores the class's new objects.
    public var pool: String
    public init(pool: String) {
        self.pool = pool
    }
}

/// `PUT /api/v1/config/{kind}`: the whole settings of the new version.
public struct SetSettingsRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["settings", "comment"]
    public var settings: [String: String]
    public var comment: String?
    public init(settings: [String: String], comment: String? = nil) {
        self.settings = settings
        self.comment = comment
    }
}

/// `POST /api/v1/config/{kind}/rollback`.
public struct RollbackSettingsRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["version"]
    public var version: Int
    public init(version: Int) {
        self.version = version
    }
}

/// `POST /api/v1/join-tokens`.
public struct CreateJoinTokenRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["ttlSeconds", "uses", "description"]
    /// How long the token is valid: 60 s to 7 days (default an hour).
    public var ttlSeconds: Int?
    /// How many hosts may join with it: 1 to 1000 (default 1).
    public var uses: Int?
    /// What it is for (shown in lists).
    public var description: String?
    public init(ttlSeconds: Int? = nil, uses: Int? = nil, description: String? = nil) {
        self.ttlSeconds = ttlSeconds
        self.uses = uses
        self.description = description
    }
}

/// `POST /api/v1/join`: a new host presents its token.
public struct JoinRequest: PortalRequestBody, Hashable {
    public static let fields: Set<String> = ["token", "hostId"]
    /// The join token, `ksanj_...`.
    public var token: String
    /// The joining host's id (as its OSD's host id).
    public var hostId: String
    public init(token: String, hostId: String) {
        self.token = token
        self.hostId = hostId
    }
}
