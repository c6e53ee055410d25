import NIOCore

extension ListObjectsResult: ListingWire {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeWire(isTruncated)
        buffer.writeWire(nextMarker)
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
    }

    public init(reading buffer: inout ByteBuffer) throws(ListingWireError) {
        let isTruncated = try buffer.readWireBool()
        let nextMarker = try buffer.readWireOptionalString()
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
        self.init(objects: objects, commonPrefixes: prefixes, isTruncated: isTruncated, nextMarker: nextMarker)
    }
}
