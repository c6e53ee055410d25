import Foundation
import KSANData
import KSANErasure
import KSANMetadata

/// The checksum of a multipart upload: its algorithm and type (COMPOSITE or FULL_OBJECT), chosen at
/// CreateMultipartUpload and kept in the upload's headers, and the object checksum computed from the parts'.
struct MultipartChecksum: Sendable {
    /// Keys in ``MultipartUpload/headers``.
    static let algorithmKey = "x-amz-checksum-algorithm"
    static let typeKey = "x-amz-checksum-type"

    var algorithm: ChecksumAlgorithm
    /// `COMPOSITE` (a checksum of the parts' checksums, `-N` suffix) or `FULL_OBJECT` (CRCs only: the CRC of the
    /// whole object, combined from the parts' CRCs).
    var fullObject: Bool

    /// The settings of a CreateMultipartUpload request, or nil if it asks for no checksum.
    /// - Throws: InvalidRequest for an unknown algorithm, or FULL_OBJECT with a SHA algorithm.
    static func from(_ request: S3Request) throws -> MultipartChecksum? {
        let type = request.header("x-amz-checksum-type")?.uppercased()
        guard let name = request.header(algorithmKey) else {
            if type != nil { throw S3Error(.invalidRequest, "x-amz-checksum-type requires x-amz-checksum-algorithm.") }
            return nil
        }
        guard let algorithm = ChecksumAlgorithm(rawValue: name.uppercased()) else {
            throw S3Error(.invalidRequest, "Checksum algorithm \(name) is not supported.")
        }
        switch type {
        case nil: return MultipartChecksum(algorithm: algorithm, fullObject: algorithm == .crc64nvme)
        case "COMPOSITE":
            guard algorithm != .crc64nvme else {
                throw S3Error(.invalidRequest, "The COMPOSITE checksum type cannot be used with CRC64NVME.")
            }
            return MultipartChecksum(algorithm: algorithm, fullObject: false)
        case "FULL_OBJECT":
            guard [.crc32, .crc32c, .crc64nvme].contains(algorithm) else {
                throw S3Error(
                    .invalidRequest, "The FULL_OBJECT checksum type cannot be used with \(algorithm.rawValue).")
            }
            return MultipartChecksum(algorithm: algorithm, fullObject: true)
        default:
            throw S3Error(.invalidRequest, "Value for x-amz-checksum-type header is invalid.")
        }
    }

    /// The settings stored with an upload, if any.
    init?(upload: MultipartUpload) {
        guard let name = upload.headers[Self.algorithmKey], let algorithm = ChecksumAlgorithm(rawValue: name) else {
            return nil
        }
        self.init(algorithm: algorithm, fullObject: upload.headers[Self.typeKey] == "FULL_OBJECT")
    }

    init(algorithm: ChecksumAlgorithm, fullObject: Bool) {
        self.algorithm = algorithm
        self.fullObject = fullObject
    }

    /// The headers recorded in the upload.
    var headers: [String: String] {
        [Self.algorithmKey: algorithm.rawValue, Self.typeKey: typeName]
    }

    var typeName: String { fullObject ? "FULL_OBJECT" : "COMPOSITE" }

    /// The object checksum from its parts (each segment's checksum, in order).
    /// - Throws: InvalidRequest if a part has no checksum of this algorithm.
    func objectChecksum(of segments: [ObjectSegment]) throws -> String {
        var digests: [[UInt8]] = []
        for segment in segments {
            guard let text = segment.checksum, let digest = Data(base64Encoded: text),
                digest.count == algorithm.digestLength
            else {
                throw S3Error(.invalidRequest, "A part was uploaded without its \(algorithm.rawValue) checksum.")
            }
            digests.append(Array(digest))
        }
        if fullObject {
            return try Self.combined(algorithm, digests: digests, lengths: segments.map(\.size))
        }
        var hasher = ChecksumHasher(algorithm)
        let joined = digests.flatMap { $0 }
        joined.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize() + "-\(segments.count)"
    }

    static func combined(_ algorithm: ChecksumAlgorithm, digests: [[UInt8]], lengths: [Int64]) throws -> String {
        func value(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
        switch algorithm {
        case .crc64nvme:
            var crc: UInt64 = 0
            for (digest, length) in zip(digests, lengths) {
                crc = CRCCombine.crc64NVME(crc, value(digest), secondLength: Int(length))
            }
            return S3ChecksumEncoding.base64BigEndian(crc)
        case .crc32, .crc32c:
            var crc: UInt32 = 0
            for (digest, length) in zip(digests, lengths) {
                let part = UInt32(truncatingIfNeeded: value(digest))
                crc =
                    algorithm == .crc32
                    ? CRCCombine.crc32(crc, part, secondLength: Int(length))
                    : CRCCombine.crc32c(crc, part, secondLength: Int(length))
            }
            return S3ChecksumEncoding.base64BigEndian(crc)
        case .sha1, .sha256:
            throw S3Error(.invalidRequest, "FULL_OBJECT checksums need a CRC algorithm.")
        }
    }
}
