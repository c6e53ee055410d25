import Foundation

/// A `NotificationConfiguration` document checked as S3 checks it (PutBucketNotificationConfiguration). Its delivery
/// belongs to the worker (a later issue): the gateway stores it and answers it back. The destinations that exist
/// are queues of the cluster's own RabbitMQ (`QueueConfiguration` with `arn:ksan:sqs:::queue-name`); there is no
/// SNS topic or Lambda function to send to. What is refused, with S3's codes:
///
/// - MalformedXML: another root, an element S3's schema does not have, a configuration without its destination
///   or without an event;
/// - InvalidArgument: an event S3 does not have, a filter rule other than one `prefix` and one `suffix`, two
///   configurations that share an event type for overlapping keys, an `Id` used twice or over 255 characters, and a
///   destination that cannot be validated (not a KSAN queue ARN: every topic and function).
enum NotificationConfiguration {
    static let kinds: [String: String] = [
        "QueueConfiguration": "Queue", "TopicConfiguration": "Topic", "CloudFunctionConfiguration": "CloudFunction",
    ]

    /// S3's event types; `*` after a category names all of it.
    static let events: Set<String> = [
        "s3:TestEvent", "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
        "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition", "s3:IntelligentTiering",
        "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put",
    ]

    /// One configuration's events and key filter, for the overlap check.
    struct Target {
        var events: [String]
        var prefix: String
        var suffix: String
    }

    /// Checks `root`; returns the tree to store, or nil for an empty configuration (which removes notifications).
    static func validate(_ root: XMLNode) throws -> StoredElement? {
        guard root.name == "NotificationConfiguration" else { throw S3Error(.malformedXML) }
        var allowed = Set(kinds.keys)
        allowed.insert("EventBridgeConfiguration")
        try LifecycleConfiguration.only(root, allowed, once: ["EventBridgeConfiguration"])
        if root.child("EventBridgeConfiguration") != nil {
            throw S3Error(.invalidArgument, "Unable to validate the following destination configurations")
        }
        guard !root.children.isEmpty else { return nil }
        var ids = Set<String>()
        var targets: [Target] = []
        for configuration in root.children {
            targets.append(try check(configuration, ids: &ids))
        }
        for (index, a) in targets.enumerated() {
            for b in targets.dropFirst(index + 1) where overlap(a, b) {
                throw S3Error(
                    .invalidArgument,
                    "Configurations overlap. Configurations on the same bucket cannot share a common event type.")
            }
        }
        return StoredElement(root)
    }

    static func check(_ configuration: XMLNode, ids: inout Set<String>) throws -> Target {
        guard let destinationName = kinds[configuration.name] else { throw S3Error(.malformedXML) }
        try LifecycleConfiguration.only(
            configuration, ["Id", destinationName, "Event", "Filter"], once: ["Id", destinationName, "Filter"])
        if let id = configuration.child("Id")?.text {
            guard id.count <= 255, ids.insert(id).inserted else {
                throw S3Error(.invalidArgument, "Each configuration needs a unique Id of at most 255 characters.")
            }
        }
        guard let destination = configuration.child(destinationName)?.text.trimmingCharacters(in: .whitespaces)
        else { throw S3Error(.malformedXML) }
        guard destinationName == "Queue", isQueueARN(destination) else {
            throw S3Error(.invalidArgument, "Unable to validate the following destination configurations")
        }
        let events = configuration.children("Event").map { $0.text.trimmingCharacters(in: .whitespaces) }
        guard !events.isEmpty else { throw S3Error(.malformedXML) }
        for event in events where !Self.events.contains(event) {
            throw S3Error(.invalidArgument, "The event '\(event)' is not supported for notifications")
        }
        var target = Target(events: events, prefix: "", suffix: "")
        if let filter = configuration.child("Filter") {
            try LifecycleConfiguration.only(filter, ["S3Key"])
            var seen = Set<String>()
            for rule in filter.child("S3Key")?.children ?? [] {
                guard rule.name == "FilterRule", let name = rule.child("Name")?.text.lowercased(),
                    let value = rule.child("Value")?.text
                else { throw S3Error(.malformedXML) }
                guard name == "prefix" || name == "suffix" else {
                    throw S3Error(.invalidArgument, "filter rule name must be either prefix or suffix")
                }
                guard seen.insert(name).inserted else {
                    throw S3Error(.invalidArgument, "Cannot specify more than one \(name) rule in a filter.")
                }
                guard value.utf8.count <= 1024 else {
                    throw S3Error(.invalidArgument, "The \(name) of a filter rule is too long.")
                }
                if name == "prefix" { target.prefix = value } else { target.suffix = value }
            }
        }
        return target
    }

    /// `arn:ksan:sqs:::queue` with a RabbitMQ queue name of 1–255 of `[A-Za-z0-9._-]`.
    static func isQueueARN(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "ksan", parts[2] == "sqs", parts[3].isEmpty,
            parts[4].isEmpty
        else { return false }
        let queue = parts[5]
        return (1...255).contains(queue.utf8.count)
            && queue.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// Whether two configurations could both match one event for one key, as S3 forbids.
    static func overlap(_ a: Target, _ b: Target) -> Bool {
        let sharesEvent = a.events.contains { x in b.events.contains { y in eventsOverlap(x, y) } }
        guard sharesEvent else { return false }
        let prefixes = a.prefix.hasPrefix(b.prefix) || b.prefix.hasPrefix(a.prefix)
        let suffixes = a.suffix.hasSuffix(b.suffix) || b.suffix.hasSuffix(a.suffix)
        return prefixes && suffixes
    }

    static func eventsOverlap(_ x: String, _ y: String) -> Bool {
        if x == y { return true }
        func category(_ event: String) -> String { event.split(separator: ":").prefix(2).joined(separator: ":") }
        let wildcard = { (event: String) in event.hasSuffix(":*") }
        return (wildcard(x) || wildcard(y)) && category(x) == category(y)
    }
}
