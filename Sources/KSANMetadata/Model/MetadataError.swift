/// A failure of a metadata operation, with a code the gateway maps to its S3 error.
public struct MetadataError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: RawRepresentable, Codable, Sendable, Hashable {
        /// The wire name.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let noSuchBucket = Code(rawValue: "NoSuchBucket")
        public static let bucketAlreadyExists = Code(rawValue: "BucketAlreadyExists")
        public static let bucketAlreadyOwnedByYou = Code(rawValue: "BucketAlreadyOwnedByYou")
        public static let bucketNotEmpty = Code(rawValue: "BucketNotEmpty")
        public static let noSuchKey = Code(rawValue: "NoSuchKey")
        public static let noSuchUpload = Code(rawValue: "NoSuchUpload")
        /// No version of the key has the version id asked for.
        public static let noSuchVersion = Code(rawValue: "NoSuchVersion")
        /// The operation does not apply to the version named (a delete marker).
        public static let methodNotAllowed = Code(rawValue: "MethodNotAllowed")
        /// Object lock forbids it: a version under retention or legal hold deleted, or its retention shortened.
        public static let accessDenied = Code(rawValue: "AccessDenied")
        /// The bucket's state does not allow it (object lock without versioning, versioning suspended under lock).
        public static let invalidBucketState = Code(rawValue: "InvalidBucketState")
        /// The request does not apply to this bucket (object lock calls on a bucket without object lock).
        public static let invalidRequest = Code(rawValue: "InvalidRequest")
        public static let invalidPart = Code(rawValue: "InvalidPart")
        public static let invalidPartOrder = Code(rawValue: "InvalidPartOrder")
        public static let entityTooSmall = Code(rawValue: "EntityTooSmall")
        public static let invalidArgument = Code(rawValue: "InvalidArgument")
        public static let noSuchPool = Code(rawValue: "NoSuchPool")
        public static let preconditionFailed = Code(rawValue: "PreconditionFailed")
        public static let invalidTopology = Code(rawValue: "InvalidTopology")
        public static let unavailable = Code(rawValue: "ServiceUnavailable")
        /// The pool cannot place a stripe because too many of its disks are full.
        public static let insufficientCapacity = Code(rawValue: "InsufficientCapacity")
        /// A commit named data that has neither a write intent nor a placement: garbage collection judged its write
        /// abandoned and may have deleted it. The caller must write the data again.
        public static let dataExpired = Code(rawValue: "DataExpired")
        /// An administrative resource (user, key, API key) that does not exist.
        public static let notFound = Code(rawValue: "NotFound")
        /// An administrative change that conflicts with what exists (a duplicate name, a user who owns buckets).
        public static let conflict = Code(rawValue: "Conflict")
        public static let `internal` = Code(rawValue: "InternalError")
    }

    /// What went wrong.
    public var code: Code
    /// A message safe to show a client.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
