import Hummingbird

extension StorageError: HTTPResponseError {
    /// The HTTP status an OSD answers for this error.
    public var status: HTTPResponse.Status {
        switch code {
        case .notFound, .noSuchDisk: .notFound
        case .corrupt: .unprocessableContent
        case .invalidAddress: .badRequest
        case .unavailable: .serviceUnavailable
        case .io: .internalServerError
        case .deleted: .gone
        case .full: .init(code: 507, reasonPhrase: "Insufficient Storage")
        }
    }

    /// The OSD's error response: the status, with the code in `x-ksan-error`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[OSDProtocol.errorHeader] = code.rawValue
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
