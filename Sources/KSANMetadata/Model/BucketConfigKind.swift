/// A configuration of a bucket that the gateway stores as a document of its own (its S3 model as JSON), one per
/// kind: the tag set, the request payment setting, the lifecycle rules, and, with later issues, replication and
/// notifications.
public enum BucketConfigKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// `PutBucketTagging`: the bucket's tag set.
    case tagging
    /// `PutBucketRequestPayment`: who pays for requests (BucketOwner or Requester).
    case requestPayment
    /// `PutBucketLifecycleConfiguration`: the lifecycle rules, for the worker to execute.
    case lifecycle
}
