import NIOCore

extension ListObjectsResult: ListingWire {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(objects.count))
        for object in objects {
            buffer.writeWire(object.key)
            buffer.writeInteger(object.size)
            buffer.writeWire(object.etag)
            buffer.writeWire(object.lastModified)
            buffer.writeWire(object.ownerId)
            buffer.writeWire(object.storageClass)
        }
        buffer.writeWire(commonPrefixes)
        buffer.writeWire(isTruncated)
        buffer.writeWire(nextMarker)
    }

    public var wireCapacity: Int {
        var capacity = 16 + (nextMarker?.utf8.count ?? 0)
        for object in objects {
            capacity +=
                40 + object.key.utf8.count + object.etag.utf8.count + object.ownerId.utf8.count
                + (object.storageClass?.utf8.count ?? 0)
        }
        for prefix in commonPrefixes { capacity += 4 + prefix.utf8.count }
        return capacity
    }

    public init(reading buffer: inout ByteBuffer) throws(ListingWireError) {
        let objectCount = try buffer.readWireCount(minimumSize: 29)
        var objects: [ObjectSummary] = []
        objects.reserveCapacity(objectCount)
        for _ in 0..<objectCount {
            objects.append(
                ObjectSummary(
                    key: try buffer.readWireString(), size: try buffer.readWire(Int64.self),
                    etag: try buffer.readWireString(), lastModified: try buffer.readWireDate(),
                    ownerId: try buffer.readWireString(), storageClass: try buffer.readWireOptionalString()))
        }
        let prefixes = try buffer.readWireStrings()
        let isTruncated = try buffer.readWireBool()
        let nextMarker = try buffer.readWireOptionalString()
        self.init(objects: objects, commonPrefixes: prefixes, isTruncated: isTruncated, nextMarker: nextMarker)
    }
}
