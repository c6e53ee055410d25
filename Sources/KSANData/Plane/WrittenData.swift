import KSANMetadata

/// The result of streaming a body into storage: where it went and its digests.
public struct WrittenData: Sendable {
    /// The stored bytes.
    public var segment: ObjectSegment
    /// MD5 of the bytes (the ETag).
    public var md5: [UInt8]
    /// SHA-256 of the bytes, when asked for.
    public var sha256: [UInt8]?
    /// The additional checksum asked for, in S3's base64 form.
    public var checksum: String?
    /// Its algorithm.
    public var checksumAlgorithm: ChecksumAlgorithm?

    /// The header and value of the additional checksum, if one was computed.
    public var checksumHeader: (name: String, value: String)? {
        guard let checksum, let checksumAlgorithm else { return nil }
        return (checksumAlgorithm.headerName, checksum)
    }
}
