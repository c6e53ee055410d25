import KSANData
import KSANErasure
import KSANMetadata
import KSANStorage

extension S3Error {
    /// The S3 error a lower layer's error becomes; nil for an unknown error (answered as a logged InternalError).
    static func from(_ error: any Error) -> S3Error? {
        switch error {
        case let error as S3Error:
            return error
        case let error as MetadataError:
            switch error.code {
            case .noSuchBucket: return S3Error(.noSuchBucket)
            case .bucketAlreadyExists: return S3Error(.bucketAlreadyExists)
            case .bucketAlreadyOwnedByYou: return S3Error(.bucketAlreadyOwnedByYou)
            case .bucketNotEmpty: return S3Error(.bucketNotEmpty)
            case .noSuchKey: return S3Error(.noSuchKey)
            case .noSuchUpload: return S3Error(.noSuchUpload)
            case .noSuchVersion: return S3Error(.noSuchVersion, "The specified version does not exist.")
            case .accessDenied:
                return S3Error(.accessDenied, error.message.isEmpty ? nil : error.message)
            case .invalidBucketState: return S3Error(.invalidBucketState, error.message)
            case .invalidRequest: return S3Error(.invalidRequest, error.message)
            case .methodNotAllowed:
                return S3Error(.methodNotAllowed, "The specified method is not allowed against this resource.")
            case .invalidPart: return S3Error(.invalidPart)
            case .invalidPartOrder: return S3Error(.invalidPartOrder)
            case .entityTooSmall: return S3Error(.entityTooSmall)
            case .preconditionFailed: return S3Error(.preconditionFailed)
            case .invalidArgument: return S3Error(.invalidArgument, error.message.isEmpty ? nil : error.message)
            case .unavailable: return S3Error(.serviceUnavailable, "The metadata service is unavailable.")
            case .insufficientCapacity: return S3Error(.insufficientCapacity)
            case .dataExpired:
                return S3Error(
                    .serviceUnavailable,
                    "The upload's data was reclaimed before it could be committed (the upload took too long); retry it."
                )
            default: return nil
            }
        case let error as DataError:
            switch error.code {
            case .incompleteBody: return S3Error(.incompleteBody)
            case .tooLarge: return S3Error(.entityTooLarge)
            case .noPool: return S3Error(.internalError, "No storage pool is configured.")
            case .unavailable: return S3Error(.serviceUnavailable, "Not enough storage nodes are available.")
            case .full: return S3Error(.insufficientCapacity)
            case .inconsistent: return nil
            }
        case let error as StorageError where error.code == .unavailable:
            return S3Error(.serviceUnavailable, "Not enough storage nodes are available.")
        default:
            return nil
        }
    }
}
