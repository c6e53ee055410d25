/// The retention modes of S3 object lock.
public enum ObjectLockMode: String, Codable, Sendable, Hashable, CaseIterable {
    /// A version cannot be deleted, nor its retention shortened, by anyone, until its retain-until date.
    case compliance = "COMPLIANCE"
    /// As compliance, except for a request with `x-amz-bypass-governance-retention: true`.
    case governance = "GOVERNANCE"
}
