import Foundation
import NIOCore
import Testing

@testable import KSANMetadata

/// The binary form of listing pages between the metadata service and the gateway.
struct ListingWireTests {
    static let objects = ListObjectsResult(
        objects: [
            ObjectSummary(
                key: "a/é\u{10FFFF}", size: 5, etag: "d41d8cd98f00b204e9800998ecf8427e",
                lastModified: Date(timeIntervalSince1970: 1_700_000_000.123456), ownerId: "u1"),
            ObjectSummary(
                key: "", size: Int64.max, etag: "", lastModified: Date(timeIntervalSince1970: -1.5), ownerId: "",
                storageClass: "GLACIER"),
        ],
        commonPrefixes: ["b/", "c/"], isTruncated: true, nextMarker: "c/")

    static let versions = ListVersionsResult(
        versions: [
            VersionSummary(
                key: "k", versionId: "null", isLatest: true, isDeleteMarker: false, size: 1, etag: "e",
                lastModified: Date(timeIntervalSince1970: 1), ownerId: "o", storageClass: "STANDARD_IA", sequence: 9),
            VersionSummary(
                key: "k", versionId: "0000000008abc", isLatest: false, isDeleteMarker: true, size: 0, etag: "",
                lastModified: Date(timeIntervalSince1970: 0.001), ownerId: "o", sequence: 8),
        ],
        commonPrefixes: ["p/"], isTruncated: true, nextKeyMarker: "k", nextVersionIdMarker: "0000000008abc")

    @Test func pagesRoundTripExactly() throws {
        #expect(try ListObjectsResult(wire: Self.objects.wireBuffer()) == Self.objects)
        #expect(try ListVersionsResult(wire: Self.versions.wireBuffer()) == Self.versions)
        let empty = ListObjectsResult(objects: [], commonPrefixes: [], isTruncated: false, nextMarker: nil)
        #expect(try ListObjectsResult(wire: empty.wireBuffer()) == empty)
        let noMarkers = ListVersionsResult(
            versions: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: nil, nextVersionIdMarker: nil)
        #expect(try ListVersionsResult(wire: noMarkers.wireBuffer()) == noMarkers)
    }

    @Test func damagedPagesAreRefused() {
        let whole = Self.objects.wireBuffer()
        // Every cut of the page is refused, never read as a shorter page.
        for length in 0..<whole.readableBytes {
            #expect(throws: ListingWireError.self) {
                try ListObjectsResult(wire: whole.getSlice(at: whole.readerIndex, length: length)!)
            }
        }
        var trailing = whole
        trailing.writeInteger(UInt8(0))
        #expect(throws: ListingWireError.self) { try ListObjectsResult(wire: trailing) }
        var otherVersion = whole
        otherVersion.setInteger(UInt8(1), at: otherVersion.readerIndex)
        #expect(throws: ListingWireError.self) { try ListObjectsResult(wire: otherVersion) }
        // A count larger than the bytes that follow is refused before anything is reserved for it.
        var huge = ByteBuffer()
        huge.writeInteger(ListObjectsResult.formatVersion)
        huge.writeInteger(UInt32.max)
        #expect(throws: ListingWireError.self) { try ListObjectsResult(wire: huge) }
        // A version page is not an object page.
        #expect(throws: ListingWireError.self) { try ListObjectsResult(wire: Self.versions.wireBuffer()) }
    }
}
