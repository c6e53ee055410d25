import Foundation
import KSANCore

/// Checks of what callers of the metadata API hand in, so that nothing stored can later make a gateway's arithmetic
/// trap (a zero block size, a negative size, more shards than disks): metadata refuses it with `invalidArgument`,
/// and the gateway checks again before it reads (``ObjectVersion/validate()``).
extension DataLayout {
    /// The largest run of data one layout holds: S3's largest single upload or part.
    public static let maxSize: Int64 = 5 << 30
    /// The largest shard block.
    public static let maxBlockSize = 64 << 20

    /// Throws `invalidArgument` unless this is a layout KSAN could have written.
    public func validate() throws(MetadataError) {
        guard Self.isValid(dataId: dataId) else { throw Self.invalid("the data id is not valid") }
        guard (1...255).contains(dataShards), (0...254).contains(parityShards), dataShards + parityShards <= 255
        else { throw Self.invalid("the shard counts are out of range") }
        guard !replicated || dataShards == 1 else { throw Self.invalid("a replicated layout has one data shard") }
        guard diskIds.count == dataShards + parityShards, !diskIds.contains(where: \.isEmpty) else {
            throw Self.invalid("the layout needs one disk per shard")
        }
        guard (1...Self.maxBlockSize).contains(blockSize) else { throw Self.invalid("the block size is out of range") }
        guard (0...Self.maxSize).contains(size) else { throw Self.invalid("the size is out of range") }
    }

    /// Whether a data id is 1–128 characters of `[A-Za-z0-9_-]` (what OSDs accept as a path component).
    public static func isValid(dataId: String) -> Bool {
        Identifier.isSafePathComponent(dataId)
    }

    static func invalid(_ message: String) -> MetadataError {
        MetadataError(.invalidArgument, "Invalid data: " + message)
    }
}

extension ObjectSegment {
    /// Throws `invalidArgument` unless the segment is well formed: a size within one upload's limit, data either
    /// inline (exactly `size` bytes) or in a valid layout of the same size, or neither for an empty segment.
    public func validate() throws(MetadataError) {
        guard (0...DataLayout.maxSize).contains(size) else {
            throw DataLayout.invalid("the segment size is out of range")
        }
        switch (layout, inline) {
        case (let layout?, nil):
            try layout.validate()
            guard layout.size == size else { throw DataLayout.invalid("the layout size differs from the segment's") }
        case (nil, let inline?):
            guard Int64(inline.count) == size else { throw DataLayout.invalid("the inline data size differs") }
        case (nil, nil):
            guard size == 0 else { throw DataLayout.invalid("a segment with data needs a layout or inline bytes") }
        case (.some, .some):
            throw DataLayout.invalid("a segment has either a layout or inline bytes")
        }
    }
}

extension ObjectVersion {
    /// The most parts of a multipart object.
    public static let maxParts = 10_000
    /// The largest total of user metadata, names and values in UTF-8 (S3's 2 KB).
    public static let maxUserMetadataBytes = 2 * 1024

    /// Throws `invalidArgument` unless every segment is well formed, the sizes add up, the part count matches and
    /// the metadata is within S3's limits: what metadata requires of a version it commits.
    public func validate() throws(MetadataError) {
        try validateData()
        let metadataBytes = userMetadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        guard metadataBytes <= Self.maxUserMetadataBytes, headers.count <= 64 else {
            throw DataLayout.invalid("the metadata is too large")
        }
        try MetadataValidation.check(date: lastModified)
    }

    /// Throws `invalidArgument` unless every segment is well formed, the sizes add up and the part count matches:
    /// what the data path's arithmetic relies on (the gateway checks it before it reads a version).
    public func validateData() throws(MetadataError) {
        guard !segments.isEmpty || size == 0, segments.count <= Self.maxParts else {
            throw DataLayout.invalid("the number of segments is out of range")
        }
        var total: Int64 = 0
        for segment in segments {
            try segment.validate()
            total += segment.size  // at most 10,000 × 5 GiB: cannot overflow
        }
        guard total == size else { throw DataLayout.invalid("the segment sizes do not add up to the object size") }
        if let partCount {
            guard (1...Self.maxParts).contains(partCount), partCount == segments.count else {
                throw DataLayout.invalid("the part count does not match the segments")
            }
        }
    }
}

/// Checks of single values the metadata API receives.
public enum MetadataValidation {
    /// The dates metadata stores: from 1970 to 9999 (PostgreSQL's binding of a date far outside traps).
    public static let dates = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// Throws `invalidArgument` for a date outside ``dates``.
    public static func check(date: Date) throws(MetadataError) {
        guard dates.contains(date) else { throw DataLayout.invalid("the date is out of range") }
    }
}
