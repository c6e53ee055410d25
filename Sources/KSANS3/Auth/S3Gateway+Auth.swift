import Foundation
import Hummingbird
import KSANMetadata

extension S3Gateway {
    /// Authenticates a request with SigV4 (header or presigned) or SigV2 (header or query) and sets `context.user`;
    /// a request with no credentials stays anonymous. An unknown key is InvalidAccessKeyId, a wrong signature
    /// SignatureDoesNotMatch.
    func authenticate(_ context: inout S3Context, request: Request) async throws {
        var headers: [(name: String, value: String)] = [("host", context.request.authority)]
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let sigRequest = SigV4Request(
            method: request.method.rawValue, rawPath: context.request.rawPath, rawQuery: context.request.rawQuery,
            headers: headers)
        if let auth = try SigV4.parse(sigRequest) {
            let key = try await accessKey(auth.accessKeyId)
            try SigV4.verify(
                sigRequest, auth: auth, secretKey: key.secretKey, now: Date(), region: configuration.region)
            if auth.isStreaming {
                guard let mode = AWSChunkedMode(authorization: auth, secretKey: key.secretKey) else {
                    throw S3Error(.notImplemented, "The payload signing \(auth.payloadHash) is not supported.")
                }
                context.streaming = mode
            }
            context.user = key
            context.payloadHash = auth.payloadHash
        } else if let auth = try SigV2.parse(sigRequest) {
            let key = try await accessKey(auth.accessKeyId)
            try SigV2.verify(
                sigRequest, auth: auth, secretKey: key.secretKey, now: Date(),
                virtualHostBucket: context.request.virtualHostBucket, maxExpiry: configuration.sigV2MaxExpiry)
            context.user = key
        } else {
            return
        }
        context.logger[metadataKey: "ksan.user"] = "\(context.user!.userId)"
    }

    /// The key with this id (cached for a few seconds), or InvalidAccessKeyId.
    func accessKey(_ id: String) async throws -> AccessKeyRecord {
        // Access key ids are printable ASCII; anything else cannot be one and is not looked up.
        guard !id.isEmpty, id.utf8.count <= 128, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw S3Error(.invalidAccessKeyId)
        }
        guard let key = try await keys.value(for: id, load: { try await metadata.accessKey(id: id) }) else {
            throw S3Error(.invalidAccessKeyId)
        }
        return key
    }
}
