import NIOCore

/// The arrays of a ListObjectVersions page (``ListingStatement`` of kind `.versions`), written as the page's
/// ``ListingWire`` form without making a string of any of them (see ``ObjectColumns``).
struct VersionColumns {
    private var keys, versionIds, latest, markers, sizes, etags, dates, owners, classes, sequences, commons: BinaryArray

    /// The arrays of a page, in the statement's order.
    init(_ page: inout ListingPage) throws {
        keys = try page.next(BinaryArray.text)
        versionIds = try page.next(BinaryArray.text)
        latest = try page.next(BinaryArray.boolean)
        markers = try page.next(BinaryArray.boolean)
        sizes = try page.next(BinaryArray.bigint)
        etags = try page.next(BinaryArray.text)
        dates = try page.next(BinaryArray.timestamp)
        owners = try page.next(BinaryArray.text)
        classes = try page.next(BinaryArray.text)
        sequences = try page.next(BinaryArray.bigint)
        commons = try page.next(BinaryArray.text)
    }

    /// The page of the first `maxKeys` entries in the form of ``ListVersionsResult``'s ``ListingWire``, truncated
    /// when there are more. An entry is a common prefix when its `common` is not empty (its other columns, those of
    /// the first version under it, are passed over), else a version or delete marker. A truncated page's next
    /// markers are the last entry's key (or prefix) and version id (none after a prefix).
    mutating func wire(maxKeys: Int) throws -> ByteBuffer {
        let arrays = [keys, versionIds, latest, markers, sizes, etags, dates, owners, classes, sequences, commons]
        var page = ByteBufferAllocator().buffer(capacity: 64 + arrays.reduce(0) { $0 + $1.byteCount })
        page.writeInteger(ListVersionsResult.formatVersion)
        let countIndex = page.writerIndex
        page.writeInteger(UInt32(0))
        var versionCount: UInt32 = 0
        var prefixes: [ByteBuffer] = []
        var lastKey: ByteBuffer?
        var lastVersion: ByteBuffer?
        for _ in 0..<min(keys.count, maxKeys) {
            if try !commons.nextIsEmpty() {
                let prefix = try commons.wireString()
                prefixes.append(prefix)
                (lastKey, lastVersion) = (prefix, nil)
                try keys.skip()
                try versionIds.skip()
                try latest.skip()
                try markers.skip()
                try sizes.skip()
                try etags.skip()
                try dates.skip()
                try owners.skip()
                try classes.skip()
                try sequences.skip()
                continue
            }
            try commons.skip()
            let key = try keys.wireString()
            let versionId = try versionIds.wireString()
            page.writeImmutableBuffer(key)
            page.writeImmutableBuffer(versionId)
            (lastKey, lastVersion) = (key, versionId)
            try latest.copyBool(to: &page)
            try markers.copyBool(to: &page)
            try sizes.copyInt64(to: &page)
            try etags.copyString(to: &page)
            try dates.copyDate(to: &page)
            try owners.copyString(to: &page)
            try classes.copyOptionalString(to: &page)
            try sequences.copyInt64(to: &page)
            versionCount += 1
        }
        page.setInteger(versionCount, at: countIndex)
        page.writeInteger(UInt32(prefixes.count))
        for prefix in prefixes { page.writeImmutableBuffer(prefix) }
        let isTruncated = keys.count > maxKeys
        page.writeWire(isTruncated)
        page.writeWire(optional: isTruncated ? lastKey : nil)
        page.writeWire(optional: isTruncated ? lastVersion : nil)
        return page
    }
}
