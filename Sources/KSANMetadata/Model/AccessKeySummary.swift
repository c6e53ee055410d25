import Foundation

/// An S3 access key without its secret.
public struct AccessKeySummary: Codable, Sendable, Hashable {
    /// The key id.
    public var accessKeyId: String
    /// Its user.
    public var userId: String
    /// Whether the gateway accepts it (a disabled key gets InvalidAccessKeyId).
    public var enabled: Bool
    /// When it was created.
    public var createdAt: Date

    /// Creates a summary.
    public init(accessKeyId: String, userId: String, enabled: Bool, createdAt: Date) {
        self.accessKeyId = accessKeyId
        self.userId = userId
        self.enabled = enabled
        self.createdAt = createdAt
    }
}
