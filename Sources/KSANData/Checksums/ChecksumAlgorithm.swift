/// The additional checksums of S3 (`x-amz-checksum-<name>`).
public enum ChecksumAlgorithm: String, Sendable, CaseIterable {
    case crc32 = "CRC32"
    case crc32c = "CRC32C"
    case crc64nvme = "CRC64NVME"
    case sha1 = "SHA1"
    case sha256 = "SHA256"

    /// The header carrying the value: `x-amz-checksum-crc32`, ...
    public var headerName: String { "x-amz-checksum-" + rawValue.lowercased() }

    /// Bytes of the digest (its base64 form is what travels).
    public var digestLength: Int {
        switch self {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// The algorithm named by a header (`x-amz-checksum-crc32`), if any.
    public init?(headerName: String) {
        let lower = headerName.lowercased()
        guard lower.hasPrefix("x-amz-checksum-") else { return nil }
        self.init(rawValue: String(lower.dropFirst("x-amz-checksum-".count)).uppercased())
    }
}
