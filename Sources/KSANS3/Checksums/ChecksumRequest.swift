import Foundation
import HTTPTypes
import KSANData

/// The checksum a client asked to be verified on an upload: its algorithm and, unless it comes in an aws-chunked
/// trailer, the expected value.
struct ChecksumRequest: Sendable {
    var algorithm: ChecksumAlgorithm
    /// Base64 of the digest, from the `x-amz-checksum-*` header; nil when it arrives in the trailer or not at all.
    var expected: String?
    /// Whether the value is announced for the aws-chunked trailer (`x-amz-trailer`).
    var inTrailer = false

    /// Reads `x-amz-checksum-<algorithm>`, `x-amz-sdk-checksum-algorithm` and `x-amz-trailer`.
    /// - Throws: InvalidRequest for several checksum headers, an unknown algorithm or a malformed value.
    static func from(_ request: S3Request) throws -> ChecksumRequest? {
        var found: [(ChecksumAlgorithm, String)] = []
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-amz-checksum-"), name != "x-amz-checksum-type", name != "x-amz-checksum-mode"
            else { continue }
            guard let algorithm = ChecksumAlgorithm(headerName: name) else {
                throw S3Error(.invalidRequest, "The \(name) header is not a supported checksum.")
            }
            found.append((algorithm, field.value))
        }
        guard found.count <= 1 else {
            throw S3Error(
                .invalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        }
        if let (algorithm, value) = found.first {
            guard let digest = Data(base64Encoded: value), digest.count == algorithm.digestLength else {
                throw S3Error(.invalidRequest, "Value for \(algorithm.headerName) header is invalid.")
            }
            return ChecksumRequest(algorithm: algorithm, expected: value)
        }
        if let trailer = request.header("x-amz-trailer") {
            let names = trailer.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            for name in names {
                guard let algorithm = ChecksumAlgorithm(headerName: name) else {
                    throw S3Error(.invalidRequest, "The trailer \(name) is not a supported checksum.")
                }
                return ChecksumRequest(algorithm: algorithm, expected: nil, inTrailer: true)
            }
        }
        if let name = request.header("x-amz-sdk-checksum-algorithm") {
            guard let algorithm = ChecksumAlgorithm(rawValue: name.uppercased()) else {
                throw S3Error(.invalidRequest, "Checksum algorithm \(name) is not supported.")
            }
            return ChecksumRequest(algorithm: algorithm, expected: nil)
        }
        return nil
    }

    /// Checks a computed value against the expected one (given, or from the trailer). With only
    /// `x-amz-sdk-checksum-algorithm`, there is nothing to compare: the computed value is stored as it is.
    func verify(computed: String, trailer: String?) throws {
        guard let expected = expected ?? trailer else {
            if inTrailer { throw S3Error(.invalidRequest, "The \(algorithm.headerName) trailer is missing.") }
            return
        }
        guard let digest = Data(base64Encoded: expected), digest.count == algorithm.digestLength else {
            throw S3Error(.invalidRequest, "Value for \(algorithm.headerName) is invalid.")
        }
        guard expected == computed else {
            throw S3Error(.badDigest, "The \(algorithm.rawValue) you specified did not match the calculated checksum.")
        }
    }
}
