/// A precondition on the current version of a key, checked atomically with a write (conditional PUT and
/// CompleteMultipartUpload: `If-None-Match: *` and `If-Match`).
public struct WriteCondition: Codable, Sendable, Hashable {
    /// Write only if the key has no current version (`If-None-Match: *`); else `preconditionFailed`.
    public var ifNoneMatchAny: Bool
    /// Write only if the current version's ETag (without quotes) is one of these, `*` meaning any existing version;
    /// `noSuchKey` if there is none, `preconditionFailed` if it differs.
    public var ifMatch: [String]?

    /// Creates a condition; the default is none.
    public init(ifNoneMatchAny: Bool = false, ifMatch: [String]? = nil) {
        self.ifNoneMatchAny = ifNoneMatchAny
        self.ifMatch = ifMatch
    }

    /// Whether there is nothing to check.
    public var isEmpty: Bool { !ifNoneMatchAny && ifMatch == nil }

    /// Checks the condition against the current ETag (nil when the key has no current version).
    public func check(currentETag: String?) throws {
        if ifNoneMatchAny, currentETag != nil {
            throw MetadataError(.preconditionFailed, "At least one of the pre-conditions you specified did not hold")
        }
        if let ifMatch {
            guard let currentETag else { throw MetadataError(.noSuchKey, "The specified key does not exist.") }
            guard ifMatch.contains("*") || ifMatch.contains(currentETag) else {
                throw MetadataError(
                    .preconditionFailed, "At least one of the pre-conditions you specified did not hold")
            }
        }
    }
}
