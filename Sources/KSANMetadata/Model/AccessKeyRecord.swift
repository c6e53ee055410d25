/// An access key and the user it authenticates.
public struct AccessKeyRecord: Codable, Sendable, Hashable {
    /// The public key id (`AKIA...`-style).
    public var accessKeyId: String
    /// The secret. Never logged.
    public var secretKey: String
    /// The user the key belongs to.
    public var userId: String
    /// The user's display name (`<DisplayName>` in listings).
    public var displayName: String

    /// Creates a record.
    public init(accessKeyId: String, secretKey: String, userId: String, displayName: String) {
        self.accessKeyId = accessKeyId
        self.secretKey = secretKey
        self.userId = userId
        self.displayName = displayName
    }
}

extension AccessKeyRecord: CustomStringConvertible {
    /// Describes the key without its secret.
    public var description: String { "AccessKeyRecord(\(accessKeyId), user: \(userId))" }
}
