import Crypto
import Foundation
import KSANErasure

/// Computes one of S3's additional checksums incrementally.
public struct ChecksumHasher: Sendable {
    private enum State: Sendable {
        case crc32(UInt32)
        case crc32c(UInt32)
        case crc64nvme(UInt64)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
    }

    /// The algorithm.
    public let algorithm: ChecksumAlgorithm
    private var state: State

    /// Starts a checksum.
    public init(_ algorithm: ChecksumAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .crc32: state = .crc32(0)
        case .crc32c: state = .crc32c(0)
        case .crc64nvme: state = .crc64nvme(0)
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        }
    }

    /// Adds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .crc32(let crc): state = .crc32(CRC32.checksum(bytes, continuing: crc))
        case .crc32c(let crc): state = .crc32c(CRC32C.checksum(bytes, continuing: crc))
        case .crc64nvme(let crc): state = .crc64nvme(CRC64NVME.checksum(bytes, continuing: crc))
        case .sha1(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha1(hash)
        case .sha256(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha256(hash)
        }
    }

    /// The checksum in S3's wire form: base64 of the big-endian digest.
    public func finalize() -> String {
        switch state {
        case .crc32(let crc), .crc32c(let crc): S3ChecksumEncoding.base64BigEndian(crc)
        case .crc64nvme(let crc): S3ChecksumEncoding.base64BigEndian(crc)
        case .sha1(let hash): Data(hash.finalize()).base64EncodedString()
        case .sha256(let hash): Data(hash.finalize()).base64EncodedString()
        }
    }
}
