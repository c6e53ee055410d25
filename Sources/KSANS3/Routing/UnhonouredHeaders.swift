import HTTPTypes
import KSANMetadata

/// The request headers (and POST form fields) of S3 that ask for something the gateway does not do yet:
/// encryption, ACLs that grant anyone but the owner, website redirects, MFA, appends, session tokens. Each is refused with the error S3 or its peers give for it, never
/// accepted and ignored: a client that asks for encryption must not get plaintext storage without being told.
/// What is true today is accepted: `x-amz-acl: private` and `bucket-owner-full-control` (the owner alone has
/// access), `x-amz-object-ownership: BucketOwnerEnforced`; tags, storage classes and object lock are honoured by
/// the handlers. `docs/s3-compatibility.md` lists every header with its status.
public enum UnhonouredHeaders {
    /// The canned ACLs of S3; all but those true today are NotImplemented, anything else is InvalidArgument.
    static let cannedACLs: Set<String> = [
        "private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read", "bucket-owner-read",
        "bucket-owner-full-control", "log-delivery-write",
    ]
    /// The canned ACLs that describe what is true today: only the owner (of the bucket, who is the only writer)
    /// has access.
    static let honouredACLs: Set<String> = ["private", "bucket-owner-full-control"]

    /// Headers refused wherever they appear, with what they ask for.
    static let refusedEverywhere: [(name: String, what: String)] = [
        ("x-amz-server-side-encryption", "Server-side encryption"),
        ("x-amz-server-side-encryption-aws-kms-key-id", "Server-side encryption with KMS keys"),
        ("x-amz-server-side-encryption-context", "Server-side encryption with KMS keys"),
        ("x-amz-server-side-encryption-bucket-key-enabled", "S3 Bucket Keys for server-side encryption"),
        ("x-amz-server-side-encryption-customer-algorithm", "Server-side encryption with customer keys (SSE-C)"),
        ("x-amz-server-side-encryption-customer-key", "Server-side encryption with customer keys (SSE-C)"),
        ("x-amz-server-side-encryption-customer-key-md5", "Server-side encryption with customer keys (SSE-C)"),
        (
            "x-amz-copy-source-server-side-encryption-customer-algorithm",
            "Server-side encryption with customer keys (SSE-C)"
        ),
        ("x-amz-copy-source-server-side-encryption-customer-key", "Server-side encryption with customer keys (SSE-C)"),
        (
            "x-amz-copy-source-server-side-encryption-customer-key-md5",
            "Server-side encryption with customer keys (SSE-C)"
        ),
        ("x-amz-grant-read", "Access control grants"), ("x-amz-grant-write", "Access control grants"),
        ("x-amz-grant-read-acp", "Access control grants"), ("x-amz-grant-write-acp", "Access control grants"),
        ("x-amz-grant-full-control", "Access control grants"),
        ("x-amz-website-redirect-location", "Website redirects"),
        ("x-amz-mfa", "MFA delete"),
        ("x-amz-write-offset-bytes", "Appending to objects"),
    ]
    /// Checks the headers of a request for what the gateway does not honour.
    /// - Throws: `NotImplemented` (encryption, grants, ACLs other than the owner's, ...),
    ///   `InvalidStorageClass` (a name S3 does not know), `InvalidArgument` (an unknown canned ACL or tagging
    ///   directive), `InvalidRequest` (object lock on a bucket without it), `InvalidToken` (a session token: there
    ///   are no temporary credentials).
    public static func check(_ request: S3Request, operation: S3Operation) throws(S3Error) {
        let headers = request.headers
        func value(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
        try checkEverywhere(value, inForm: false)
        switch operation {
        case .putObject, .copyObject, .createMultipartUpload:
            try checkObjectWrite(value)
            if operation == .copyObject, let directive = value("x-amz-tagging-directive") {
                guard directive == "COPY" || directive == "REPLACE" else {
                    throw S3Error(
                        .invalidArgument, "Unknown tagging directive.",
                        details: [
                            S3Error.Detail("ArgumentName", "x-amz-tagging-directive"),
                            S3Error.Detail("ArgumentValue", directive),
                        ])
                }
            }
        case .createBucket:
            if let acl = value("x-amz-acl") { try checkACL(acl) }
            // x-amz-bucket-object-lock-enabled is honoured by CreateBucket (true or false).
            if let lock = value("x-amz-bucket-object-lock-enabled"), !["true", "false"].contains(lock.lowercased()) {
                throw S3Error(.invalidArgument, "x-amz-bucket-object-lock-enabled must be true or false.")
            }
            if let ownership = value("x-amz-object-ownership"), ownership != "BucketOwnerEnforced" {
                throw S3Error(
                    .notImplemented,
                    "Object ownership \(ownership) is not implemented; buckets are BucketOwnerEnforced (no ACLs).")
            }
        default:
            break
        }
    }

    /// Checks the fields of a POST Object form, which carry what the headers of a PutObject would.
    public static func checkForm(fields: [String: String]) throws(S3Error) {
        try checkEverywhere({ fields[$0] }, inForm: true)
        // A form names the ACL `acl`.
        try checkObjectWrite { name in fields[name == "x-amz-acl" ? "acl" : name] }
        // Its object lock fields are those of a PutObject's headers, which the handler checks as it checks those; its
        // tag set is a field `tagging` holding a Tagging document, which the handler reads.
    }

    /// What is refused on every operation (``refusedEverywhere``, a session token), in headers or form fields.
    static func checkEverywhere(_ value: (String) -> String?, inForm: Bool) throws(S3Error) {
        for header in refusedEverywhere where value(header.name) != nil {
            throw S3Error(
                .notImplemented, "\(header.what) (\(inForm ? "form field " : "")\(header.name)) is not implemented.",
                details: inForm ? [] : [S3Error.Detail("Header", header.name)])
        }
        if let token = value("x-amz-security-token"), !token.isEmpty {
            throw S3Error(.invalidToken, "The provided token is malformed or otherwise invalid.")
        }
    }

    /// The headers of a write of an object (PutObject, CopyObject, CreateMultipartUpload, POST Object).
    static func checkObjectWrite(_ value: (String) -> String?) throws(S3Error) {
        // x-amz-storage-class is honoured by the handlers (S3Gateway.placement): a class mapped to a pool, else
        // InvalidStorageClass. A name S3 does not know is refused here already, before any body is read.
        if let storageClass = value(StorageClassName.header), !StorageClassName.known.contains(storageClass) {
            throw S3Error(.invalidStorageClass, "The storage class you specified is not valid")
        }
        if let acl = value("x-amz-acl") { try checkACL(acl) }
        // The x-amz-object-lock-* headers are honoured by the handlers (S3Gateway.objectLockHeaders).
    }

    static func checkACL(_ acl: String) throws(S3Error) {
        guard !honouredACLs.contains(acl) else { return }
        guard cannedACLs.contains(acl) else {
            throw S3Error(
                .invalidArgument, "Invalid canned ACL",
                details: [S3Error.Detail("ArgumentName", "x-amz-acl"), S3Error.Detail("ArgumentValue", acl)])
        }
        throw S3Error(
            .notImplemented,
            "The canned ACL \(acl) is not implemented; only the owner has access (private, bucket-owner-full-control).")
    }
}
