import NIOCore

extension ListVersionsResult: ListingWire {
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(versions.count))
        for version in versions {
            buffer.writeWire(version.key)
            buffer.writeWire(version.versionId)
            buffer.writeWire(version.isLatest)
            buffer.writeWire(version.isDeleteMarker)
            buffer.writeInteger(version.size)
            buffer.writeWire(version.etag)
            buffer.writeWire(version.lastModified)
            buffer.writeWire(version.ownerId)
            buffer.writeWire(version.storageClass)
            buffer.writeInteger(version.sequence)
        }
        buffer.writeWire(commonPrefixes)
        buffer.writeWire(isTruncated)
        buffer.writeWire(nextKeyMarker)
        buffer.writeWire(nextVersionIdMarker)
    }

    public var wireCapacity: Int {
        var capacity = 16 + (nextKeyMarker?.utf8.count ?? 0) + (nextVersionIdMarker?.utf8.count ?? 0)
        for version in versions {
            capacity +=
                56 + version.key.utf8.count + version.versionId.utf8.count + version.etag.utf8.count
                + version.ownerId.utf8.count + (version.storageClass?.utf8.count ?? 0)
        }
        for prefix in commonPrefixes { capacity += 4 + prefix.utf8.count }
        return capacity
    }

    public init(reading buffer: inout ByteBuffer) throws(ListingWireError) {
        let versionCount = try buffer.readWireCount(minimumSize: 43)
        var versions: [VersionSummary] = []
        versions.reserveCapacity(versionCount)
        for _ in 0..<versionCount {
            versions.append(
                VersionSummary(
                    key: try buffer.readWireString(), versionId: try buffer.readWireString(),
                    isLatest: try buffer.readWireBool(), isDeleteMarker: try buffer.readWireBool(),
                    size: try buffer.readWire(Int64.self), etag: try buffer.readWireString(),
                    lastModified: try buffer.readWireDate(), ownerId: try buffer.readWireString(),
                    storageClass: try buffer.readWireOptionalString(), sequence: try buffer.readWire(Int64.self)))
        }
        let prefixes = try buffer.readWireStrings()
        let isTruncated = try buffer.readWireBool()
        let nextKeyMarker = try buffer.readWireOptionalString()
        let nextVersionIdMarker = try buffer.readWireOptionalString()
        self.init(
            versions: versions, commonPrefixes: prefixes, isTruncated: isTruncated, nextKeyMarker: nextKeyMarker,
            nextVersionIdMarker: nextVersionIdMarker)
    }
}
