import Foundation

/// HTTP `Range: bytes=...` as S3 reads it.
enum ByteRange {
    /// The half-open range a header asks for in an object of `size` bytes; nil when the header is to be ignored
    /// (not `bytes=`, several ranges, or syntactically invalid), as S3 serves the whole object then.
    /// - Throws: InvalidRange (416) when the range is valid but not satisfiable.
    static func parse(_ header: String, size: Int64) throws -> Range<Int64>? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("bytes=") else { return nil }
        let spec = trimmed.dropFirst("bytes=".count)
        guard !spec.contains(",") else { return nil }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let first = parts[0].trimmingCharacters(in: .whitespaces)
        let last = parts[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            guard let suffix = Int64(last), suffix >= 0 else { return nil }
            guard suffix > 0, size > 0 else { throw unsatisfiable(size) }
            return max(0, size - suffix)..<size
        }
        guard let start = Int64(first), start >= 0 else { return nil }
        var end = size - 1
        if !last.isEmpty {
            guard let value = Int64(last), value >= start else { return nil }
            end = min(value, size - 1)
        }
        guard start < size else { throw unsatisfiable(size) }
        return start..<(end + 1)
    }

    static func unsatisfiable(_ size: Int64) -> S3Error {
        S3Error(.invalidRange)
    }
}
