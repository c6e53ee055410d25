import Foundation
import Testing

@testable import KSANMetadata

/// Topologies, layouts and versions used across the tests.
enum TestFixtures {
    /// Three hosts of two disks; a default 4+2 pool over all six disks and a 3-replica pool.
    static let topology = Topology(
        hosts: [
            .init(id: "osd1", endpoint: "http://127.0.0.1:9101", disks: ["osd1-d1", "osd1-d2"]),
            .init(id: "osd2", endpoint: "http://127.0.0.1:9102", disks: ["osd2-d1", "osd2-d2"]),
            .init(id: "osd3", endpoint: "http://127.0.0.1:9103", disks: ["osd3-d1", "osd3-d2"]),
        ],
        pools: [
            .init(
                id: "default", k: 4, m: 2,
                disks: ["osd1-d1", "osd1-d2", "osd2-d1", "osd2-d2", "osd3-d1", "osd3-d2"], default: true
            ),
            .init(id: "rep3", replicas: 3, disks: ["osd1-d1", "osd2-d1", "osd3-d1"]),
        ]
    )

    static let owner = "owner-1"

    /// A fresh layout in the default pool.
    static func layout(_ dataId: String = UUID().uuidString, size: Int64 = 1000) -> DataLayout {
        DataLayout(
            dataId: dataId, poolId: "default", dataShards: 4, parityShards: 2, replicated: false, blockSize: 65536,
            diskIds: ["osd1-d1", "osd2-d1", "osd3-d1", "osd1-d2", "osd2-d2", "osd3-d2"], size: size
        )
    }

    static func bucket(_ name: String, owner: String = TestFixtures.owner) -> BucketRecord {
        BucketRecord(
            name: name, id: "id-" + name.replacingOccurrences(of: ".", with: "-"), ownerId: owner,
            ownerDisplayName: "Owner One", region: "us-east-1", poolId: "default",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
    }

    /// A version whose data is one layout (or inline bytes when `layout` is nil).
    static func version(
        bucket: String, key: String, layout: DataLayout? = nil, inline: Data? = nil, etag: String = "etag"
    ) -> ObjectVersion {
        let size = layout?.size ?? Int64(inline?.count ?? 0)
        return ObjectVersion(
            bucket: bucket, key: key, size: size, etag: etag,
            lastModified: Date(timeIntervalSince1970: 1_700_000_123.5),
            contentType: "application/octet-stream", userMetadata: [:], headers: [:], ownerId: owner,
            segments: [ObjectSegment(size: size, layout: layout, inline: inline)]
        )
    }

    static func upload(bucket: String, key: String, id: String = UUID().uuidString, initiated: Date = Date())
        -> MultipartUpload
    {
        MultipartUpload(
            uploadId: id, bucket: bucket, key: key, initiated: initiated, ownerId: owner, contentType: "text/plain",
            userMetadata: ["colour": "blau"], headers: ["cache-control": "no-cache"], poolId: "default"
        )
    }

    static func part(_ number: Int, etag: String, layout: DataLayout) -> PartRecord {
        PartRecord(
            partNumber: number, etag: etag, lastModified: Date(timeIntervalSince1970: 1_700_000_000),
            segment: ObjectSegment(size: layout.size, layout: layout)
        )
    }

    /// Runs `body` and returns the ``MetadataError`` code it threw (nil if it did not throw one).
    static func errorCode(_ body: () async throws -> Void) async -> MetadataError.Code? {
        do {
            try await body()
            return nil
        } catch let error as MetadataError {
            return error.code
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}
