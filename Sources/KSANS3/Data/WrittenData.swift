import KSANMetadata

/// The result of streaming a body into storage: where it went and its digests.
public struct WrittenData: Sendable {
    /// The stored bytes.
    public var segment: ObjectSegment
    /// MD5 of the bytes (the ETag).
    public var md5: [UInt8]
    /// SHA-256 of the bytes, when asked for.
    public var sha256: [UInt8]?
}
