import HTTPTypes

extension S3Operation {
    /// A request for an operation of S3 the gateway does not implement yet: the sub-resource it names and the AWS
    /// name of the operation (`GetBucketTagging`), which the request log and the NotImplemented error give.
    public struct Refused: Sendable, Equatable {
        /// The sub-resource of the query (`tagging`).
        public var subresource: String
        /// The AWS operation name (`GetBucketTagging`).
        public var operation: String
    }

    /// The sub-resources of buckets not implemented yet, with the operation name of each method (AWS's names).
    static let refusedBucketOperations: [String: [HTTPRequest.Method: String]] = [
        "acl": [.get: "GetBucketAcl", .put: "PutBucketAcl"],
        "cors": [.get: "GetBucketCors", .put: "PutBucketCors", .delete: "DeleteBucketCors"],
        "policy": [.get: "GetBucketPolicy", .put: "PutBucketPolicy", .delete: "DeleteBucketPolicy"],
        "policyStatus": [.get: "GetBucketPolicyStatus"],
        // GET lists versions; nothing else may treat the sub-resource as absent (PUT would create the bucket).
        "versions": [:],
        "website": [.get: "GetBucketWebsite", .put: "PutBucketWebsite", .delete: "DeleteBucketWebsite"],
        "encryption": [.get: "GetBucketEncryption", .put: "PutBucketEncryption", .delete: "DeleteBucketEncryption"],
        "publicAccessBlock": [
            .get: "GetPublicAccessBlock", .put: "PutPublicAccessBlock", .delete: "DeletePublicAccessBlock",
        ],
        "logging": [.get: "GetBucketLogging", .put: "PutBucketLogging"],
        "accelerate": [.get: "GetBucketAccelerateConfiguration", .put: "PutBucketAccelerateConfiguration"],
        "ownershipControls": [
            .get: "GetBucketOwnershipControls", .put: "PutBucketOwnershipControls",
            .delete: "DeleteBucketOwnershipControls",
        ],
        "intelligent-tiering": [
            .get: "GetBucketIntelligentTieringConfiguration", .put: "PutBucketIntelligentTieringConfiguration",
            .delete: "DeleteBucketIntelligentTieringConfiguration",
        ],
        "analytics": [
            .get: "GetBucketAnalyticsConfiguration", .put: "PutBucketAnalyticsConfiguration",
            .delete: "DeleteBucketAnalyticsConfiguration",
        ],
        "metrics": [
            .get: "GetBucketMetricsConfiguration", .put: "PutBucketMetricsConfiguration",
            .delete: "DeleteBucketMetricsConfiguration",
        ],
        "inventory": [
            .get: "GetBucketInventoryConfiguration", .put: "PutBucketInventoryConfiguration",
            .delete: "DeleteBucketInventoryConfiguration",
        ],
        "uploads-list": [:],
    ]

    /// Methods of those sub-resources that are implemented: as `METHOD sub-resource`.
    static let supported: Set<String> = [
        "GET versions", "GET versionId", "HEAD versionId", "DELETE versionId",
    ]

    /// The sub-resources of objects not implemented yet, with the operation name of each method.
    static let refusedObjectOperations: [String: [HTTPRequest.Method: String]] = [
        "acl": [.get: "GetObjectAcl", .put: "PutObjectAcl"],
        "restore": [.post: "RestoreObject"],
        "select": [.post: "SelectObjectContent"],
        "torrent": [.get: "GetObjectTorrent"],
        // GET, HEAD and DELETE name a version; PutObject makes one, it does not name one.
        "versionId": [.put: "PutObject", .post: "POST ?versionId"],
    ]

    /// The refused operation a request asks for, if it names a sub-resource not implemented yet. A method the
    /// sub-resource has no operation for is named by the method and the sub-resource (`POST ?tagging`).
    public static func refused(_ request: S3Request) -> Refused? {
        let table = request.key == nil ? refusedBucketOperations : refusedObjectOperations
        let method = request.method.rawValue
        // The tagging and object lock calls of an object name a version as GET, HEAD and DELETE do.
        let namesVersion =
            request.key != nil
            && (request.hasQuery("tagging") || request.hasQuery("retention") || request.hasQuery("legal-hold"))
        guard
            let name = request.queryItems.first(where: {
                table[$0.name] != nil && !supported.contains("\(method) \($0.name)")
                    && !(namesVersion && $0.name == "versionId")
            })?.name
        else { return nil }
        return Refused(subresource: name, operation: table[name]?[request.method] ?? "\(method) ?\(name)")
    }

    /// The AWS name of the operation a request asks for, also when the gateway refuses it: what the request log
    /// says. `Unknown` when the request names no operation at all.
    public static func name(of request: S3Request) -> String {
        if let refused = refused(request) { return refused.operation }
        return (try? resolve(request))?.rawValue ?? "Unknown"
    }
}
