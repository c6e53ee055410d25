import Foundation
import KSANMetadata

/// A `LifecycleConfiguration` document checked as S3 checks it (PutBucketLifecycleConfiguration, and the legacy
/// PutBucketLifecycle body with a rule-level `Prefix`). Its execution belongs to the worker (a later issue): the
/// gateway stores it and answers it back. What is refused, with S3's codes:
///
/// - MalformedXML: another root, no rule or more than 1,000, an element S3's schema does not have, a `Status` other
///   than Enabled or Disabled, both or neither of `Filter` and a rule-level `Prefix`, a `Filter` with more than one
///   predicate, an `Expiration` with other than exactly one of `Days`, `Date` and `ExpiredObjectDeleteMarker`, a
///   number that is not one;
/// - InvalidArgument: an `ID` over 255 characters, two rules with one `ID`, a non-positive `Days`,
///   `NoncurrentDays` or `DaysAfterInitiation`, a `Date` not at midnight UTC, `NewerNoncurrentVersions` outside
///   1...100;
/// - InvalidRequest: a rule without an action, `AbortIncompleteMultipartUpload` or `ExpiredObjectDeleteMarker`
///   with a tag filter;
/// - InvalidStorageClass: a transition to a class S3 does not have, or to STANDARD.
enum LifecycleConfiguration {
    static let maxRules = 1000

    /// Validates `root` and returns the tree to store.
    static func validate(_ root: XMLNode) throws -> StoredElement {
        guard root.name == "LifecycleConfiguration" else { throw S3Error(.malformedXML) }
        let rules = root.children
        guard !rules.isEmpty, rules.count <= maxRules, rules.allSatisfy({ $0.name == "Rule" }) else {
            throw S3Error(.malformedXML)
        }
        var ids = Set<String>()
        for rule in rules {
            try check(rule, &ids)
        }
        return StoredElement(root)
    }

    static let ruleElements: Set<String> = [
        "ID", "Status", "Filter", "Prefix", "Expiration", "Transition", "NoncurrentVersionExpiration",
        "NoncurrentVersionTransition", "AbortIncompleteMultipartUpload",
    ]
    static let actions: Set<String> = [
        "Expiration", "Transition", "NoncurrentVersionExpiration", "NoncurrentVersionTransition",
        "AbortIncompleteMultipartUpload",
    ]

    static func check(_ rule: XMLNode, _ ids: inout Set<String>) throws {
        try only(
            rule, ruleElements,
            once: [
                "ID", "Status", "Filter", "Prefix", "Expiration",
                "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload",
            ])
        try checkID(rule, &ids)
        guard let status = rule.child("Status")?.text, status == "Enabled" || status == "Disabled" else {
            throw S3Error(.malformedXML)
        }
        let filter = rule.child("Filter")
        guard (filter == nil) != (rule.child("Prefix") == nil) else { throw S3Error(.malformedXML) }
        var tagged = false
        if let filter { tagged = try checkFilter(filter) }
        guard rule.children.contains(where: { actions.contains($0.name) }) else {
            throw S3Error(.invalidRequest, "At least one action needs to be specified in a rule")
        }
        if let expiration = rule.child("Expiration") {
            try only(expiration, ["Days", "Date", "ExpiredObjectDeleteMarker"])
            guard expiration.children.count == 1 else { throw S3Error(.malformedXML) }
            if let days = expiration.child("Days") { try positive(days, "'Days' for Expiration action") }
            if let date = expiration.child("Date") { try midnight(date) }
            if let marker = expiration.child("ExpiredObjectDeleteMarker") {
                guard marker.text == "true" || marker.text == "false" else { throw S3Error(.malformedXML) }
                if tagged {
                    throw S3Error(
                        .invalidRequest, "ExpiredObjectDeleteMarker cannot be specified with object tags")
                }
            }
        }
        for transition in rule.children("Transition") {
            try only(transition, ["Days", "Date", "StorageClass"])
            guard (transition.child("Days") == nil) != (transition.child("Date") == nil) else {
                throw S3Error(.malformedXML)
            }
            if let days = transition.child("Days") { _ = try integer(days, in: 0...Int.max) }
            if let date = transition.child("Date") { try midnight(date) }
            try storageClass(transition)
        }
        if let expiration = rule.child("NoncurrentVersionExpiration") {
            try only(expiration, ["NoncurrentDays", "NewerNoncurrentVersions"])
            guard let days = expiration.child("NoncurrentDays") else { throw S3Error(.malformedXML) }
            try positive(days, "'NoncurrentDays' for NoncurrentVersionExpiration action")
            try newer(expiration)
        }
        for transition in rule.children("NoncurrentVersionTransition") {
            try only(transition, ["NoncurrentDays", "NewerNoncurrentVersions", "StorageClass"])
            guard let days = transition.child("NoncurrentDays") else { throw S3Error(.malformedXML) }
            _ = try integer(days, in: 0...Int.max)
            try newer(transition)
            try storageClass(transition)
        }
        if let abort = rule.child("AbortIncompleteMultipartUpload") {
            try only(abort, ["DaysAfterInitiation"])
            guard let days = abort.child("DaysAfterInitiation") else { throw S3Error(.malformedXML) }
            try positive(days, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action")
            if tagged {
                throw S3Error(.invalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags")
            }
        }
    }

    /// A rule's `ID`, if it has one: at most 255 characters, and not another rule's (InvalidArgument).
    static func checkID(_ rule: XMLNode, _ ids: inout Set<String>) throws {
        guard let id = rule.child("ID")?.text else { return }
        guard id.count <= 255 else {
            throw S3Error(.invalidArgument, "ID length should not exceed allowed limit of 255")
        }
        guard ids.insert(id).inserted else {
            throw S3Error(.invalidArgument, "Rule ID must be unique. Found same ID for more than one rule")
        }
    }

    /// Checks a `Filter`; whether it filters by tags.
    static func checkFilter(_ filter: XMLNode) throws -> Bool {
        let predicates: Set<String> = ["Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"]
        try only(filter, predicates)
        guard filter.children.count <= 1 else { throw S3Error(.malformedXML) }
        try sizes(filter)
        if let tag = filter.child("Tag") { try checkTags([tag]) }
        if let and = filter.child("And") {
            try only(
                and, ["Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan"],
                once: ["Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan"])
            try sizes(and)
            try checkTags(and.children("Tag"))
            return !and.children("Tag").isEmpty
        }
        return filter.child("Tag") != nil
    }

    static func checkTags(_ tags: [XMLNode]) throws {
        var pairs: [TagSet.Tag] = []
        for tag in tags {
            try only(tag, ["Key", "Value"], once: ["Key", "Value"])
            guard let key = tag.child("Key"), let value = tag.child("Value") else { throw S3Error(.malformedXML) }
            pairs.append(TagSet.Tag(key: key.text, value: value.text))
        }
        try TagSet(tags: pairs).validate(limit: TagSet.bucketLimit)
    }

    static func sizes(_ node: XMLNode) throws {
        for name in ["ObjectSizeGreaterThan", "ObjectSizeLessThan"] {
            if let size = node.child(name) { _ = try integer(size, in: 0...Int.max) }
        }
    }

    /// MalformedXML if `node` has a child not in `allowed`, or more than one of a name in `once`.
    static func only(_ node: XMLNode, _ allowed: Set<String>, once: Set<String>? = nil) throws {
        var seen = Set<String>()
        for child in node.children {
            guard allowed.contains(child.name) else { throw S3Error(.malformedXML) }
            if (once ?? allowed).contains(child.name) {
                guard seen.insert(child.name).inserted else { throw S3Error(.malformedXML) }
            }
        }
    }

    static func integer(_ node: XMLNode, in range: ClosedRange<Int>) throws -> Int {
        guard node.children.isEmpty, let value = Int(node.text.trimmingCharacters(in: .whitespaces)) else {
            throw S3Error(.malformedXML)
        }
        guard range.contains(value) else { throw S3Error(.invalidArgument, "\(node.name) must be in \(range)") }
        return value
    }

    static func positive(_ node: XMLNode, _ what: String) throws {
        guard node.children.isEmpty, let value = Int(node.text.trimmingCharacters(in: .whitespaces)) else {
            throw S3Error(.malformedXML)
        }
        guard value > 0 else { throw S3Error(.invalidArgument, "\(what) must be a positive integer") }
    }

    static func newer(_ node: XMLNode) throws {
        if let newer = node.child("NewerNoncurrentVersions") {
            guard let value = Int(newer.text.trimmingCharacters(in: .whitespaces)) else { throw S3Error(.malformedXML) }
            guard (1...100).contains(value) else {
                throw S3Error(.invalidArgument, "NewerNoncurrentVersions must be between 1 and 100")
            }
        }
    }

    /// A lifecycle `Date`: ISO 8601 at midnight UTC.
    static func midnight(_ node: XMLNode) throws {
        let text = node.text.trimmingCharacters(in: .whitespaces)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? fractional.date(from: text) else {
            throw S3Error(.malformedXML)
        }
        guard Int(date.timeIntervalSince1970) % 86_400 == 0,
            date.timeIntervalSince1970.rounded() == date.timeIntervalSince1970
        else { throw S3Error(.invalidArgument, "'Date' must be at midnight GMT") }
    }

    static func storageClass(_ transition: XMLNode) throws {
        guard let name = transition.child("StorageClass")?.text else { throw S3Error(.malformedXML) }
        guard StorageClassName.known.contains(name), name != StorageClassName.standard else {
            throw S3Error(.invalidStorageClass, "The storage class you specified is not valid")
        }
    }
}
