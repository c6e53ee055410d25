import Foundation

/// A token that lets a new host join the cluster (`ksanctl join`, `cluster/install.sh --join`): it trades the token
/// for the cluster key and the addresses of the metadata service and the broker. Only a SHA-256 of its secret is
/// stored; it expires, and it can be used by a limited number of hosts.
public struct JoinTokenRecord: Codable, Sendable, Hashable {
    /// What a host presenting the token gets.
    public enum Redemption: Sendable, Hashable {
        /// The host may join; `usesOne` when it is a host the token has not seen (a host re-joining, as a re-run of
        /// the installer does, uses nothing).
        case accepted(usesOne: Bool)
        /// Past its expiry.
        case expired
        /// Every use taken by other hosts.
        case exhausted
    }

    /// The public part of the token, which finds it.
    public var id: String
    /// SHA-256 hex of the secret part. Never shown.
    public var secretHash: String
    /// What the operator said it is for.
    public var description: String
    public var createdAt: Date
    public var expiresAt: Date
    /// How many more hosts may join with it.
    public var usesLeft: Int
    /// The hosts that joined with it.
    public var hosts: [String]

    public init(
        id: String, secretHash: String, description: String, createdAt: Date, expiresAt: Date, usesLeft: Int,
        hosts: [String]
    ) {
        self.id = id
        self.secretHash = secretHash
        self.description = description
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usesLeft = usesLeft
        self.hosts = hosts
    }

    /// Whether `host` may join with this token at `now`: a pure decision, tested without a database.
    public func redeem(by host: String, at now: Date) -> Redemption {
        guard now < expiresAt else { return .expired }
        if hosts.contains(host) { return .accepted(usesOne: false) }
        return usesLeft > 0 ? .accepted(usesOne: true) : .exhausted
    }
}
