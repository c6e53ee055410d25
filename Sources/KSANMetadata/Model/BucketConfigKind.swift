/// A configuration of a bucket that the gateway stores as a document of its own (its S3 model as JSON), one per
/// kind: the tag set, the request payment setting, the lifecycle and replication rules, and the notifications.
public enum BucketConfigKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// `PutBucketTagging`: the bucket's tag set.
    case tagging
    /// `PutBucketRequestPayment`: who pays for requests (BucketOwner or Requester).
    case requestPayment
    /// `PutBucketLifecycleConfiguration`: the lifecycle rules, for the worker to execute.
    case lifecycle
    /// `PutBucketReplication`: the replication rules, for the worker to execute.
    case replication
    /// `PutBucketNotificationConfiguration`: where events are to be sent, for the worker to deliver.
    case notification
}
