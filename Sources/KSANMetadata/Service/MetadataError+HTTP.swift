import HTTPTypes

extension MetadataError {
    /// The HTTP status the metadata API answers this error with.
    public var httpStatus: HTTPResponse.Status {
        switch code {
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchVersion, .noSuchPool, .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .accessDenied: .forbidden
        case .invalidBucketState: .conflict
        case .invalidRequest: .badRequest
        case .bucketAlreadyExists, .bucketAlreadyOwnedByYou, .bucketNotEmpty, .dataExpired, .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .invalidPart, .invalidPartOrder, .entityTooSmall, .invalidArgument, .invalidTopology: .badRequest
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}
