import Foundation
import KSANMetadata

/// A `ReplicationConfiguration` document checked as S3 checks it (PutBucketReplication). Its execution belongs to
/// the worker (a later issue): the gateway stores it and answers it back. A destination is a bucket of this
/// cluster (`arn:aws:s3:::bucket`, which must exist and not be the source) or of a zone registered in the portal
/// (`arn:ksan:s3:zone::bucket`). What is refused, with S3's codes:
///
/// - MalformedXML: another root, no rule or more than 1,000, an element S3's schema does not have, a `Status` other
///   than Enabled or Disabled, no `Destination` or no `Bucket` in it, both or neither of `Filter` and a rule-level
///   `Prefix`, a `Filter` with more than one predicate, a number that is not one;
/// - InvalidArgument: an `ID` over 255 characters or used twice, a `Priority` used twice, a `Filter` without
///   `DeleteMarkerReplication` (or with it Enabled and a tag filter), a destination that is not a bucket ARN, an
///   unknown storage class;
/// - InvalidRequest: versioning not Enabled on the bucket (checked by the handler), a destination bucket that does
///   not exist or is the source, a zone not registered.
enum ReplicationConfiguration {
    static let maxRules = 1000

    /// A rule's destination, as named by its `Bucket` ARN.
    enum Destination: Equatable {
        /// A bucket of this cluster.
        case local(bucket: String)
        /// A bucket of a registered zone.
        case zone(name: String, bucket: String)
    }

    /// Checks `root` and returns the tree to store and the destinations its rules name (for the handler to check
    /// against buckets and zones).
    static func validate(_ root: XMLNode) throws -> (StoredElement, [Destination]) {
        guard root.name == "ReplicationConfiguration" else { throw S3Error(.malformedXML) }
        try LifecycleConfiguration.only(root, ["Role", "Rule"], once: ["Role"])
        let rules = root.children("Rule")
        guard !rules.isEmpty, rules.count <= maxRules else { throw S3Error(.malformedXML) }
        var ids = Set<String>()
        var priorities = Set<Int>()
        var destinations: [Destination] = []
        for rule in rules {
            destinations.append(try check(rule, ids: &ids, priorities: &priorities))
        }
        return (StoredElement(root), destinations)
    }

    static let ruleElements: Set<String> = [
        "ID", "Priority", "Status", "Filter", "Prefix", "Destination", "DeleteMarkerReplication",
        "ExistingObjectReplication", "SourceSelectionCriteria",
    ]

    static func check(_ rule: XMLNode, ids: inout Set<String>, priorities: inout Set<Int>) throws -> Destination {
        try LifecycleConfiguration.only(rule, ruleElements)
        try LifecycleConfiguration.checkID(rule, &ids)
        guard let status = rule.child("Status")?.text, status == "Enabled" || status == "Disabled" else {
            throw S3Error(.malformedXML)
        }
        let filter = rule.child("Filter")
        guard (filter == nil) != (rule.child("Prefix") == nil) else { throw S3Error(.malformedXML) }
        if let filter {
            // The current schema: a filter, a priority and an explicit delete-marker setting.
            let tagged = try checkFilter(filter)
            if let priority = rule.child("Priority") {
                let value = try LifecycleConfiguration.integer(priority, in: 0...Int(Int32.max))
                guard priorities.insert(value).inserted else {
                    throw S3Error(.invalidArgument, "Found duplicate priority \(value) in the rules")
                }
            }
            guard let markers = rule.child("DeleteMarkerReplication") else {
                throw S3Error(
                    .invalidArgument,
                    "DeleteMarkerReplication must be specified for this version of Cross Region Replication "
                        + "configuration schema.")
            }
            let markerStatus = try enabledOrDisabled(markers)
            if markerStatus == "Enabled" && tagged {
                throw S3Error(
                    .invalidArgument, "Delete marker replication is not supported if any Tag filter is specified.")
            }
        } else if let markers = rule.child("DeleteMarkerReplication") {
            _ = try enabledOrDisabled(markers)
        }
        if let existing = rule.child("ExistingObjectReplication") { _ = try enabledOrDisabled(existing) }
        if let criteria = rule.child("SourceSelectionCriteria") {
            try LifecycleConfiguration.only(criteria, ["SseKmsEncryptedObjects", "ReplicaModifications"])
            for child in criteria.children { _ = try enabledOrDisabled(child) }
        }
        guard let destination = rule.child("Destination") else { throw S3Error(.malformedXML) }
        try LifecycleConfiguration.only(
            destination,
            [
                "Bucket", "StorageClass", "Account", "AccessControlTranslation", "EncryptionConfiguration",
                "ReplicationTime", "Metrics",
            ])
        if let storageClass = destination.child("StorageClass")?.text {
            guard StorageClassName.known.contains(storageClass) else {
                throw S3Error(.invalidStorageClass, "The storage class you specified is not valid")
            }
        }
        guard let arn = destination.child("Bucket")?.text.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw S3Error(.malformedXML)
        }
        return try parse(arn: arn)
    }

    /// `arn:aws:s3:::bucket` or `arn:ksan:s3:zone::bucket`; InvalidArgument otherwise.
    static func parse(arn: String) throws -> Destination {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "s3", parts[4].isEmpty,
            BucketName.isValid(parts[5])
        else { throw S3Error(.invalidArgument, "Invalid bucket ARN.") }
        switch parts[1] {
        case "aws" where parts[3].isEmpty: return .local(bucket: parts[5])
        case "ksan" where !parts[3].isEmpty: return .zone(name: parts[3], bucket: parts[5])
        default: throw S3Error(.invalidArgument, "Invalid bucket ARN.")
        }
    }

    /// A filter; whether it filters by tags.
    static func checkFilter(_ filter: XMLNode) throws -> Bool {
        try LifecycleConfiguration.only(filter, ["Prefix", "Tag", "And"])
        guard filter.children.count <= 1 else { throw S3Error(.malformedXML) }
        if let tag = filter.child("Tag") { try LifecycleConfiguration.checkTags([tag]) }
        if let and = filter.child("And") {
            try LifecycleConfiguration.only(and, ["Prefix", "Tag"], once: ["Prefix"])
            try LifecycleConfiguration.checkTags(and.children("Tag"))
            return !and.children("Tag").isEmpty
        }
        return filter.child("Tag") != nil
    }

    /// A `<Status>` child that is Enabled or Disabled (MalformedXML otherwise).
    static func enabledOrDisabled(_ node: XMLNode) throws -> String {
        guard let status = node.child("Status")?.text, status == "Enabled" || status == "Disabled" else {
            throw S3Error(.malformedXML)
        }
        return status
    }
}
