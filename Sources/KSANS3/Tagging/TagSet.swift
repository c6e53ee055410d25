import Foundation

/// A tag set of a bucket (PutBucketTagging) or an object, as S3 validates it: keys of 1 to 128 characters and values
/// of up to 256 (Unicode characters), each key once, no key of the reserved `aws:` prefix, and at most
/// ``bucketLimit`` (50) tags on a bucket or ``objectLimit`` (10) on an object. Anything else is `InvalidTag`, and a
/// document that is not a `Tagging` with a `TagSet` of `Tag`s with a `Key` and a `Value` is `MalformedXML`.
struct TagSet: StoredDocument, Sendable, Hashable {
    struct Tag: Codable, Sendable, Hashable {
        var key: String
        var value: String
    }

    var tags: [Tag]

    static let bucketLimit = 50
    static let objectLimit = 10
    static let maxKeyLength = 128
    static let maxValueLength = 256

    init(tags: [Tag]) { self.tags = tags }

    /// Parses and validates a `Tagging` document.
    init(xml root: XMLNode, limit: Int) throws {
        guard root.name == "Tagging", let tagSet = root.child("TagSet"), root.children.count == 1 else {
            throw S3Error(.malformedXML)
        }
        var tags: [Tag] = []
        for element in tagSet.children {
            guard element.name == "Tag", let key = element.child("Key"), let value = element.child("Value") else {
                throw S3Error(.malformedXML)
            }
            tags.append(Tag(key: key.text, value: value.text))
        }
        self.tags = tags
        try validate(limit: limit)
    }

    /// Checks S3's rules; `InvalidTag` naming the first broken one.
    func validate(limit: Int) throws {
        guard tags.count <= limit else {
            let what = limit == Self.bucketLimit ? "Bucket" : "Object"
            throw S3Error(.invalidTag, "\(what) tag count cannot be greater than \(limit)")
        }
        var seen = Set<String>()
        for tag in tags {
            // Characters XML cannot carry never get here (MalformedXML); any other is kept, as S3's peers keep it.
            guard !tag.key.isEmpty else { throw S3Error(.invalidTag, "The TagKey you have provided is invalid") }
            guard tag.key.unicodeScalars.count <= Self.maxKeyLength else {
                throw S3Error(.invalidTag, "The TagKey you have provided is too long, max \(Self.maxKeyLength)")
            }
            guard tag.value.unicodeScalars.count <= Self.maxValueLength else {
                throw S3Error(.invalidTag, "The TagValue you have provided is too long, max \(Self.maxValueLength)")
            }
            guard !tag.key.lowercased().hasPrefix("aws:") else {
                throw S3Error(.invalidTag, "System tags cannot be added/updated by requester")
            }
            guard seen.insert(tag.key).inserted else {
                throw S3Error(.invalidTag, "Cannot provide multiple Tags with the same key")
            }
        }
    }

    /// The name under which an object's tag set is kept among its stored headers (``header``), never answered as
    /// a header itself: GET and HEAD answer `x-amz-tagging-count`.
    static let storedHeader = "x-amz-tagging"

    /// Parses and validates `x-amz-tagging` (`k1=v1&k2=v2`, URL-encoded: `+` is a space).
    init(header: String, limit: Int) throws {
        var tags: [Tag] = []
        for pair in header.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Percent.decode(parts[0], plusAsSpace: true),
                let value = Percent.decode(parts.count == 2 ? parts[1] : "", plusAsSpace: true)
            else {
                throw S3Error(
                    .invalidArgument,
                    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without "
                        + "tag name duplicates.",
                    details: [S3Error.Detail("ArgumentName", "x-amz-tagging")])
            }
            tags.append(Tag(key: key, value: value))
        }
        self.tags = tags
        try validate(limit: limit)
    }

    /// The URL-encoded form (`x-amz-tagging`), as an object keeps it among its stored headers.
    var header: String {
        tags.map { Percent.encode($0.key) + "=" + Percent.encode($0.value) }.joined(separator: "&")
    }

    /// The `Tagging` document of GetBucketTagging and GetObjectTagging.
    var xml: XMLWriter {
        var xml = XMLWriter()
        xml.open("Tagging", namespace: true)
        xml.element("TagSet") { set in
            for tag in tags {
                set.element("Tag") {
                    $0.element("Key", tag.key)
                    $0.element("Value", tag.value)
                }
            }
        }
        xml.close("Tagging")
        return xml
    }
}
