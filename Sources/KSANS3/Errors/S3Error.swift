import HTTPTypes

/// An error answered to an S3 client: an S3 error code, an HTTP status and a message.
///
/// Every failure of the gateway that a client sees goes through this one type; `S3ErrorResponder`
/// maps it to the wire (status, XML body, request id) in one place.
public struct S3Error: Error, Sendable, Equatable {
    /// The S3 error code (`NoSuchKey`, `SignatureDoesNotMatch`, ...) with its HTTP status.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code as it appears in the XML `<Code>` element.
        public let name: String
        /// The HTTP status answered with this code.
        public let status: HTTPResponse.Status

        /// Creates a code.
        public init(_ name: String, _ status: HTTPResponse.Status) {
            self.name = name
            self.status = status
        }

        public var description: String { name }

        public static let accessDenied = Code("AccessDenied", .forbidden)
        public static let authorizationHeaderMalformed = Code("AuthorizationHeaderMalformed", .badRequest)
        public static let badDigest = Code("BadDigest", .badRequest)
        public static let bucketAlreadyExists = Code("BucketAlreadyExists", .conflict)
        public static let bucketAlreadyOwnedByYou = Code("BucketAlreadyOwnedByYou", .conflict)
        public static let bucketNotEmpty = Code("BucketNotEmpty", .conflict)
        public static let entityTooLarge = Code("EntityTooLarge", .badRequest)
        public static let entityTooSmall = Code("EntityTooSmall", .badRequest)
        public static let incompleteBody = Code("IncompleteBody", .badRequest)
        /// The storage pool has no room for the write (Ceph RGW's answer to a full cluster; AWS has none).
        public static let insufficientCapacity = Code(
            "InsufficientCapacity", .init(code: 507, reasonPhrase: "Insufficient Storage"))
        public static let internalError = Code("InternalError", .internalServerError)
        public static let invalidAccessKeyId = Code("InvalidAccessKeyId", .forbidden)
        public static let invalidArgument = Code("InvalidArgument", .badRequest)
        public static let invalidBucketName = Code("InvalidBucketName", .badRequest)
        public static let invalidBucketState = Code("InvalidBucketState", .conflict)
        public static let invalidDigest = Code("InvalidDigest", .badRequest)
        public static let invalidLocationConstraint = Code("InvalidLocationConstraint", .badRequest)
        public static let metadataTooLarge = Code("MetadataTooLarge", .badRequest)
        public static let noSuchVersion = Code("NoSuchVersion", .notFound)
        public static let invalidPartNumber = Code("InvalidPartNumber", .rangeNotSatisfiable)
        public static let invalidPart = Code("InvalidPart", .badRequest)
        public static let invalidPartOrder = Code("InvalidPartOrder", .badRequest)
        public static let invalidRange = Code("InvalidRange", .rangeNotSatisfiable)
        public static let invalidRequest = Code("InvalidRequest", .badRequest)
        public static let invalidStorageClass = Code("InvalidStorageClass", .badRequest)
        public static let invalidTag = Code("InvalidTag", .badRequest)
        public static let invalidToken = Code("InvalidToken", .badRequest)
        public static let invalidURI = Code("InvalidURI", .badRequest)
        public static let noSuchPool = Code("InternalError", .internalServerError)
        public static let keyTooLongError = Code("KeyTooLongError", .badRequest)
        public static let malformedXML = Code("MalformedXML", .badRequest)
        public static let methodNotAllowed = Code("MethodNotAllowed", .methodNotAllowed)
        public static let missingContentLength = Code(
            "MissingContentLength", .init(code: 411, reasonPhrase: "Length Required"))
        public static let missingSecurityHeader = Code("MissingSecurityHeader", .badRequest)
        public static let noSuchBucket = Code("NoSuchBucket", .notFound)
        public static let noSuchKey = Code("NoSuchKey", .notFound)
        public static let noSuchTagSet = Code("NoSuchTagSet", .notFound)
        public static let noSuchLifecycleConfiguration = Code("NoSuchLifecycleConfiguration", .notFound)
        public static let replicationConfigurationNotFound = Code(
            "ReplicationConfigurationNotFoundError", .notFound)
        public static let noSuchObjectLockConfiguration = Code("NoSuchObjectLockConfiguration", .notFound)
        public static let objectLockConfigurationNotFound = Code("ObjectLockConfigurationNotFoundError", .notFound)
        public static let noSuchUpload = Code("NoSuchUpload", .notFound)
        public static let notImplemented = Code("NotImplemented", .notImplemented)
        public static let preconditionFailed = Code("PreconditionFailed", .preconditionFailed)
        public static let requestTimeTooSkewed = Code("RequestTimeTooSkewed", .forbidden)
        public static let serviceUnavailable = Code("ServiceUnavailable", .serviceUnavailable)
        public static let signatureDoesNotMatch = Code("SignatureDoesNotMatch", .forbidden)
        public static let slowDown = Code("SlowDown", .serviceUnavailable)
        public static let xAmzContentSHA256Mismatch = Code("XAmzContentSHA256Mismatch", .badRequest)
    }

    /// What went wrong, in S3's vocabulary.
    public var code: Code
    /// A message for the client. Never carries secrets or internal details.
    public var message: String
    /// The bucket or object the error is about, when known (`<Resource>`).
    public var resource: String?
    /// Further elements of the XML error, after `<Message>`, as S3 sends them for some errors
    /// (`<HeadersNotSigned>`, `<Region>`, `<ArgumentName>`...).
    public var details: [Detail]
    /// Response headers that go with the error (`x-amz-bucket-region` with a wrong region).
    public var headers: [Detail] = []

    /// One further element of an XML error.
    public struct Detail: Sendable, Equatable {
        /// The element name.
        public var name: String
        /// Its text.
        public var value: String

        /// Creates a detail.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates an error.
    public init(_ code: Code, _ message: String? = nil, resource: String? = nil, details: [Detail] = []) {
        self.code = code
        self.message = message ?? Self.defaultMessage(code)
        self.resource = resource
        self.details = details
    }

    /// The error for a signature scoped to another region than the gateway's: `code` (AuthorizationHeaderMalformed,
    /// AuthorizationQueryParametersError or, for a POST form, InvalidArgument) with the region the client must sign
    /// for in `<Region>` and in `x-amz-bucket-region`, as S3 answers it, so that SDKs and s3cmd retry there.
    static func wrongRegion(_ code: Code, prefix: String, given: String, expected: String) -> S3Error {
        var error = S3Error(
            code, prefix + "the region '\(given)' is wrong; expecting '\(expected)'",
            details: [Detail("Region", expected)])
        error.headers = [Detail("x-amz-bucket-region", expected)]
        return error
    }

    /// InvalidArgument for a part number outside 1...10000.
    static var invalidPartNumberArgument: S3Error {
        S3Error(.invalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
    }

    static func defaultMessage(_ code: Code) -> String {
        switch code.name {
        case "AccessDenied": "Access Denied"
        case "BadDigest": "The Content-MD5 you specified did not match what we received."
        case "BucketAlreadyExists": "The requested bucket name is not available."
        case "BucketAlreadyOwnedByYou":
            "Your previous request to create the named bucket succeeded and you already own it."
        case "BucketNotEmpty": "The bucket you tried to delete is not empty"
        case "InsufficientCapacity": "The storage pool is full: no room for the write. Delete objects or add disks."
        case "EntityTooLarge": "Your proposed upload exceeds the maximum allowed size"
        case "EntityTooSmall": "Your proposed upload is smaller than the minimum allowed object size."
        case "IncompleteBody": "You did not provide the number of bytes specified by the Content-Length HTTP header"
        case "InternalError": "We encountered an internal error. Please try again."
        case "InvalidAccessKeyId": "The AWS Access Key Id you provided does not exist in our records."
        case "InvalidBucketName": "The specified bucket is not valid."
        case "InvalidDigest": "The Content-MD5 you specified was invalid."
        case "InvalidPart":
            "One or more of the specified parts could not be found. The part might not have been uploaded, "
                + "or the specified entity tag might not have matched the part's entity tag."
        case "InvalidPartOrder": "The list of parts was not in ascending order. Parts must be ordered by part number."
        case "InvalidRange": "The requested range is not satisfiable"
        case "KeyTooLongError": "Your key is too long"
        case "MalformedXML": "The XML you provided was not well-formed or did not validate against our published schema"
        case "MethodNotAllowed": "The specified method is not allowed against this resource."
        case "MissingContentLength": "You must provide the Content-Length HTTP header."
        case "NoSuchBucket": "The specified bucket does not exist"
        case "NoSuchKey": "The specified key does not exist."
        case "NoSuchTagSet": "The TagSet does not exist"
        case "NoSuchLifecycleConfiguration": "The lifecycle configuration does not exist"
        case "NoSuchUpload":
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
        case "NotImplemented": "A header you provided implies functionality that is not implemented"
        case "PreconditionFailed": "At least one of the pre-conditions you specified did not hold"
        case "RequestTimeTooSkewed": "The difference between the request time and the current time is too large."
        case "SignatureDoesNotMatch":
            "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        case "ServiceUnavailable": "Please reduce your request rate."
        case "XAmzContentSHA256Mismatch": "The provided 'x-amz-content-sha256' header does not match what was computed."
        default: code.name
        }
    }
}
