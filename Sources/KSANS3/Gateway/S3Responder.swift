import Foundation
import HTTPTypes
import Hummingbird
import KSANCore
import Logging

/// The gateway's HTTP responder: gives every request an id, runs it through ``S3Gateway`` and maps every error to
/// the wire in this one place (S3 code, HTTP status, XML body with Code, Message, Resource and RequestId).
public struct S3Responder: HTTPResponder {
    public typealias Context = S3RequestContext

    let gateway: S3Gateway
    let domains: [String]
    let logger: Logger

    /// Creates a responder.
    public init(gateway: S3Gateway, domains: [String], logger: Logger) {
        self.gateway = gateway
        self.domains = domains
        self.logger = logger
    }

    public func respond(to request: Request, context: S3RequestContext) async throws -> Response {
        var request = request
        if request.headers[.expect]?.lowercased() == "100-continue" {
            request.body = RequestBody(
                asyncSequence: CountingRequestBody(
                    base: ContinueOnFirstRead(base: request.body, channel: context.channel)))
        } else {
            request.body = RequestBody(asyncSequence: CountingRequestBody(base: request.body))
        }
        let started = ContinuousClock.now
        let requestId = Identifier.hex(bytes: 8).uppercased()
        var logger = self.logger
        logger[metadataKey: "ksan.request_id"] = "\(requestId)"
        if request.uri.path == "/_ksan/health" {
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        var operationName = "Unknown"
        var response: Response
        var resource = request.uri.path
        do {
            let s3 = try S3Request(
                method: request.method, authority: request.head.authority, path: request.uri.path,
                query: request.uri.query, headers: request.headers, domains: domains)
            resource = "/" + [s3.bucket, s3.key].compactMap { $0 }.joined(separator: "/")
            let operation: S3Operation
            do {
                operation = try S3Operation.resolve(s3)
            } catch {
                operationName = S3Operation.name(of: s3)  // a refused call named by its AWS operation
                throw error
            }
            operationName = operation.rawValue
            var context = S3Context(
                request: s3, operation: operation, user: nil, payloadHash: nil, streaming: nil, requestId: requestId,
                logger: logger)
            response = try await gateway.handle(request, context: &context)
        } catch {
            response = errorResponse(
                error, method: request.method, resource: resource, requestId: requestId, logger: logger)
        }
        response.headers[.amzRequestId] = requestId
        response.headers[.amzId2] = requestId
        response.headers[.server] = "KSAN"
        let duration = ContinuousClock.now - started
        S3Metrics.record(operation: operationName, status: Int(response.status.code), duration: duration)
        if request.method != .head { response.body = S3Metrics.counting(response.body) }
        logger.info(
            "request",
            metadata: [
                "ksan.operation": "\(operationName)", "http.method": "\(request.method.rawValue)",
                "http.status": "\(response.status.code)",
                "ksan.duration_ms": "\(duration.milliseconds)",
            ])
        return response
    }

    func errorResponse(
        _ error: any Error, method: HTTPRequest.Method, resource: String, requestId: String, logger: Logger
    ) -> Response {
        var s3Error: S3Error
        if let mapped = S3Error.from(error) {
            s3Error = mapped
        } else {
            logger.error("internal error", metadata: ["error": "\(String(reflecting: error))"])
            s3Error = S3Error(.internalError)
        }
        if s3Error.resource == nil { s3Error.resource = resource }
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        for header in s3Error.headers {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        if method == .head {
            return Response(status: s3Error.code.status, headers: headers)
        }
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", s3Error.code.name)
        xml.element("Message", s3Error.message)
        for detail in s3Error.details { xml.element(detail.name, detail.value) }
        xml.element("Resource", s3Error.resource ?? resource)
        xml.element("RequestId", requestId)
        xml.close("Error")
        return Response(
            status: s3Error.code.status, headers: headers, body: .init(byteBuffer: xml.byteBuffer))
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
