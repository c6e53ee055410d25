/// An S3 key as the NHN guide's OS-EC2 credential API shows it to its own user: with its secret.
public struct EC2Credential: Codable, Sendable, Hashable {
    public var access: String
    public var secret: String
    public var tenantId: String?
    public var userId: String

    public init(access: String, secret: String, tenantId: String?, userId: String) {
        self.access = access
        self.secret = secret
        self.tenantId = tenantId
        self.userId = userId
    }
}
