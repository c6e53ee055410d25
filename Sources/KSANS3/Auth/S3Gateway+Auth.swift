import Foundation
import Hummingbird

extension S3Gateway {
    /// Authenticates a request: SigV4 (header or presigned) sets `context.user`; a request with no credentials stays
    /// anonymous. An unknown key is InvalidAccessKeyId, a wrong signature SignatureDoesNotMatch.
    func authenticate(_ context: inout S3Context, request: Request) async throws {
        var headers: [(name: String, value: String)] = [("host", context.request.authority)]
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let sigRequest = SigV4Request(
            method: request.method.rawValue, rawPath: context.request.rawPath, rawQuery: context.request.rawQuery,
            headers: headers)
        guard let auth = try SigV4.parse(sigRequest) else {
            if let header = request.headers[.authorization], header.hasPrefix("AWS ") {
                throw S3Error(.notImplemented, "Signature Version 2 is not supported yet; sign requests with SigV4.")
            }
            if context.request.hasQuery("AWSAccessKeyId") {
                throw S3Error(.notImplemented, "Signature Version 2 is not supported yet; sign requests with SigV4.")
            }
            return
        }
        guard
            let key = try await keys.value(
                for: auth.accessKeyId, load: { try await metadata.accessKey(id: auth.accessKeyId) })
        else {
            throw S3Error(.invalidAccessKeyId)
        }
        try SigV4.verify(sigRequest, auth: auth, secretKey: key.secretKey, now: Date())
        if auth.isStreaming {
            throw S3Error(.notImplemented, "Streaming (aws-chunked) uploads are not supported yet.")
        }
        context.user = key
        context.payloadHash = auth.payloadHash
        context.logger[metadataKey: "ksan.user"] = "\(key.userId)"
    }
}
