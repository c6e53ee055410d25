import NIOCore

/// The arrays of a ListObjects page (``ListingStatement`` of kind `.objects`), written as the page's
/// ``ListingWire`` form without making a string of any of them: an entry's text elements are stored in the arrays as
/// the form stores strings, so they are copied as they are.
struct ObjectColumns {
    private var keys, sizes, etags, dates, owners, classes, commons: BinaryArray

    /// The arrays of a page, in the statement's order.
    init(_ page: inout ListingPage) throws {
        keys = try page.next(BinaryArray.text)
        sizes = try page.next(BinaryArray.bigint)
        etags = try page.next(BinaryArray.text)
        dates = try page.next(BinaryArray.timestamp)
        owners = try page.next(BinaryArray.text)
        classes = try page.next(BinaryArray.text)
        commons = try page.next(BinaryArray.text)
    }

    /// The page of the first `maxKeys` entries in the form of ``ListObjectsResult``'s ``ListingWire``, truncated
    /// when there are more. An entry is a common prefix when its `common` is not empty (its other columns, those of
    /// the first key under it, are passed over), else an object. The next marker is the last entry's key or prefix.
    mutating func wire(maxKeys: Int) throws -> ByteBuffer {
        let arrays = [keys, sizes, etags, dates, owners, classes, commons]
        var page = ByteBufferAllocator().buffer(capacity: 64 + arrays.reduce(0) { $0 + $1.byteCount })
        page.writeInteger(ListObjectsResult.formatVersion)
        let countIndex = page.writerIndex
        page.writeInteger(UInt32(0))
        var objectCount: UInt32 = 0
        var prefixes: [ByteBuffer] = []
        var last: ByteBuffer?
        for _ in 0..<min(keys.count, maxKeys) {
            if try !commons.nextIsEmpty() {
                let prefix = try commons.wireString()
                prefixes.append(prefix)
                last = prefix
                try keys.skip()
                try sizes.skip()
                try etags.skip()
                try dates.skip()
                try owners.skip()
                try classes.skip()
                continue
            }
            try commons.skip()
            let key = try keys.wireString()
            page.writeImmutableBuffer(key)
            last = key
            try sizes.copyInt64(to: &page)
            try etags.copyString(to: &page)
            try dates.copyDate(to: &page)
            try owners.copyString(to: &page)
            try classes.copyOptionalString(to: &page)
            objectCount += 1
        }
        page.setInteger(objectCount, at: countIndex)
        page.writeInteger(UInt32(prefixes.count))
        for prefix in prefixes { page.writeImmutableBuffer(prefix) }
        page.writeWire(keys.count > maxKeys)
        page.writeWire(optional: last)
        return page
    }
}
