import HTTPTypes

extension MetadataError {
    /// The HTTP status the metadata API answers this error with.
    public var httpStatus: HTTPResponse.Status {
        switch code {
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchPool, .notFound: .notFound
        case .bucketAlreadyExists, .bucketAlreadyOwnedByYou, .bucketNotEmpty, .dataExpired, .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .invalidPart, .invalidPartOrder, .entityTooSmall, .invalidArgument, .invalidTopology: .badRequest
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}
