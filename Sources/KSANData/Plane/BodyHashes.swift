import Crypto
import KSANMetadata
import NIOCore

/// The digests computed over a body as it streams: MD5 (the ETag), SHA-256 when the client signed a payload hash,
/// and the additional checksum the client asked for.
struct BodyHashes {
    var md5 = Insecure.MD5()
    var sha256: SHA256?
    var checksum: ChecksumHasher?

    init(sha256: Bool, checksum: ChecksumAlgorithm?) {
        self.sha256 = sha256 ? SHA256() : nil
        self.checksum = checksum.map(ChecksumHasher.init)
    }

    mutating func update(_ chunk: ByteBuffer) {
        chunk.withUnsafeReadableBytes { bytes in
            md5.update(bufferPointer: bytes)
            sha256?.update(bufferPointer: bytes)
            checksum?.update(bytes)
        }
    }

    /// The written data with its digests.
    func result(_ segment: ObjectSegment) -> WrittenData {
        WrittenData(
            segment: segment, md5: Array(md5.finalize()), sha256: sha256.map { Array($0.finalize()) },
            checksum: checksum?.finalize(), checksumAlgorithm: checksum?.algorithm)
    }
}
