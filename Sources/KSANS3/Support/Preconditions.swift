import Foundation
import KSANMetadata

/// HTTP preconditions (RFC 7232, as S3 applies them) on an object's ETag and modification time.
enum Preconditions {
    /// What a request's conditions say about the object.
    enum Outcome: Equatable {
        /// Serve the request.
        case proceed
        /// 304 Not Modified (GET/HEAD only).
        case notModified
        /// 412 PreconditionFailed.
        case failed
    }

    /// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since, in RFC 7232's order:
    /// If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since. Unparseable dates are ignored.
    static func evaluate(
        etag: String, lastModified: Date, ifMatch: String?, ifNoneMatch: String?, ifModifiedSince: String?,
        ifUnmodifiedSince: String?
    ) -> Outcome {
        let modified = lastModified.timeIntervalSince1970.rounded(.down)
        if let ifMatch {
            if !matches(ifMatch, etag) { return .failed }
        } else if let text = ifUnmodifiedSince, let date = HTTPDate.parse(text), modified > date.timeIntervalSince1970 {
            return .failed
        }
        if let ifNoneMatch {
            if matches(ifNoneMatch, etag) { return .notModified }
        } else if let text = ifModifiedSince, let date = HTTPDate.parse(text), modified <= date.timeIntervalSince1970 {
            return .notModified
        }
        return .proceed
    }

    /// The entity tags of a header value: comma-separated, quotes and `W/` removed.
    static func etags(_ header: String) -> [String] {
        header.split(separator: ",").map { item in
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    static func matches(_ header: String, _ etag: String) -> Bool {
        etags(header).contains { $0 == "*" || $0 == etag }
    }

    /// The write condition of a PUT or CompleteMultipartUpload: `If-None-Match: *` (create only) and `If-Match`.
    /// - Throws: NotImplemented for an If-None-Match other than `*`, as S3 does.
    static func writeCondition(_ request: S3Request) throws -> WriteCondition {
        var condition = WriteCondition()
        if let value = request.headers[.ifNoneMatch] {
            guard value.trimmingCharacters(in: .whitespaces) == "*" else {
                throw S3Error(.notImplemented, "If-None-Match on writes supports only '*'.")
            }
            condition.ifNoneMatchAny = true
        }
        if let value = request.headers[.ifMatch] { condition.ifMatch = etags(value) }
        return condition
    }
}
