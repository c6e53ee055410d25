import Crypto
import Foundation
import Testing

@testable import KSANMetadata

@Suite("Multipart uploads", .enabled(if: TestEnvironment.postgresEnabled))
struct MultipartTests {
    static let mib: Int64 = 1024 * 1024

    static func md5Hex(_ data: Data) -> String {
        Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Creates bucket `b` and an upload of key `k`.
    static func start(_ store: PostgresMetadataStore, key: String = "k") async throws -> MultipartUpload {
        if try await store.bucket(name: "b") == nil { try await store.createBucket(TestFixtures.bucket("b")) }
        let upload = TestFixtures.upload(bucket: "b", key: key)
        try await store.createUpload(upload)
        return upload
    }

    @Test func uploadCompleteWithTheMD5OfMD5sETag() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            #expect(
                try await store.upload(bucket: "b", key: "k", uploadId: upload.uploadId)?.userMetadata == [
                    "colour": "blau"
                ])
            #expect(try await store.upload(bucket: "b", key: "other", uploadId: upload.uploadId) == nil)

            // Real part contents, so the ETag can be checked against an independent computation.
            let contents = [
                Data(repeating: UInt8(ascii: "a"), count: Int(5 * Self.mib)),
                Data(repeating: UInt8(ascii: "b"), count: Int(5 * Self.mib)),
                Data(repeating: UInt8(ascii: "c"), count: 1024),
            ]
            var layouts: [DataLayout] = []
            for (index, content) in contents.enumerated() {
                let layout = TestFixtures.layout(size: Int64(content.count))
                layouts.append(layout)
                try await store.registerIntent(WriteIntent(layout: layout, createdAt: Date().addingTimeInterval(-7200)))
                let displaced = try await store.putPart(
                    bucket: "b", key: "k", uploadId: upload.uploadId,
                    part: TestFixtures.part(index + 1, etag: Self.md5Hex(content), layout: layout)
                )
                #expect(displaced.isEmpty)
            }
            // Committed parts' intents are gone: nothing becomes garbage.
            #expect(try await store.garbage(limit: 10, intentAge: 60).isEmpty)

            let completed = try await store.completeUpload(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                parts: contents.enumerated().map {
                    CompletedPart(partNumber: $0.offset + 1, etag: "\"\(Self.md5Hex($0.element).uppercased())\"")
                }
            )
            var digests = Data()
            for content in contents { digests.append(contentsOf: Insecure.MD5.hash(data: content)) }
            let expected = "\(Self.md5Hex(digests))-3"
            #expect(completed.version.etag == expected)
            #expect(expected == "c43647d2543bbb0984bac6210ff0eb6a-3")  // computed with Python's hashlib
            #expect(completed.garbage.isEmpty)
            #expect(completed.version.size == 10 * Self.mib + 1024)
            #expect(completed.version.partCount == 3)
            #expect(completed.version.layouts == layouts)
            #expect(completed.version.contentType == "text/plain")
            #expect(completed.version.headers == ["cache-control": "no-cache"])

            let stored = try #require(try await store.object(bucket: "b", key: "k"))
            #expect(stored == completed.version)
            #expect(try await store.upload(bucket: "b", key: "k", uploadId: upload.uploadId) == nil)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.listParts(
                        bucket: "b", key: "k", uploadId: upload.uploadId, partNumberMarker: 0, maxParts: 10)
                } == .noSuchUpload
            )
            for layout in layouts { #expect(try await store.placementCount(layout.dataId) == 1) }
        }
    }

    @Test func partsAreOverwrittenAndListedInPages() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            var current: [Int: DataLayout] = [:]
            for number in [3, 1, 2] {
                let layout = TestFixtures.layout(size: 5 * Self.mib)
                current[number] = layout
                _ = try await store.putPart(
                    bucket: "b", key: "k", uploadId: upload.uploadId,
                    part: TestFixtures.part(number, etag: String(repeating: "\(number)", count: 32), layout: layout)
                )
            }
            let replacement = TestFixtures.layout(size: 5 * Self.mib)
            let displaced = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(2, etag: String(repeating: "f", count: 32), layout: replacement)
            )
            #expect(displaced == [current[2]!])
            #expect(try await store.garbage(limit: 10, intentAge: 3600).map(\.layout) == [current[2]!])

            let first = try await store.listParts(
                bucket: "b", key: "k", uploadId: upload.uploadId, partNumberMarker: 0, maxParts: 2)
            #expect(first.parts.map(\.partNumber) == [1, 2])
            #expect(first.parts[1].etag == String(repeating: "f", count: 32))
            #expect(first.parts[1].segment.layout == replacement)
            #expect(first.isTruncated && first.nextPartNumberMarker == 2)
            let second = try await store.listParts(
                bucket: "b", key: "k", uploadId: upload.uploadId, partNumberMarker: 2, maxParts: 2
            )
            #expect(second.parts.map(\.partNumber) == [3])
            #expect(!second.isTruncated)

            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putPart(
                        bucket: "b", key: "k", uploadId: upload.uploadId,
                        part: TestFixtures.part(0, etag: "00", layout: TestFixtures.layout())
                    )
                } == .invalidArgument
            )
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putPart(
                        bucket: "b", key: "k", uploadId: "nope",
                        part: TestFixtures.part(1, etag: "00", layout: TestFixtures.layout())
                    )
                } == .noSuchUpload
            )
        }
    }

    @Test func completionIsValidated() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            let big = String(repeating: "a", count: 32)
            let small = String(repeating: "b", count: 32)
            let last = String(repeating: "c", count: 32)
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(1, etag: big, layout: TestFixtures.layout(size: 5 * Self.mib))
            )
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(2, etag: small, layout: TestFixtures.layout(size: 5 * Self.mib - 1))
            )
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(3, etag: last, layout: TestFixtures.layout(size: 10))
            )
            func complete(_ parts: [(Int, String)]) async -> MetadataError.Code? {
                await TestFixtures.errorCode {
                    _ = try await store.completeUpload(
                        bucket: "b", key: "k", uploadId: upload.uploadId,
                        parts: parts.map { CompletedPart(partNumber: $0.0, etag: $0.1) }
                    )
                }
            }
            #expect(await complete([]) == .invalidPartOrder)
            #expect(await complete([(3, last), (1, big)]) == .invalidPartOrder)
            #expect(await complete([(1, big), (1, big)]) == .invalidPartOrder)
            #expect(await complete([(1, big), (4, last)]) == .invalidPart)
            #expect(await complete([(1, big), (3, small)]) == .invalidPart)
            #expect(await complete([(1, big), (2, small), (3, last)]) == .entityTooSmall)
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.completeUpload(
                        bucket: "b", key: "k", uploadId: "nope", parts: [.init(partNumber: 1, etag: big)])
                } == .noSuchUpload
            )
            // Nothing was changed by the failures.
            #expect(try await store.upload(bucket: "b", key: "k", uploadId: upload.uploadId) != nil)
            // A small last part is fine, and unused parts become garbage.
            let done = try await store.completeUpload(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                parts: [.init(partNumber: 1, etag: big), .init(partNumber: 3, etag: last)]
            )
            #expect(done.version.size == 5 * Self.mib + 10)
            #expect(done.garbage.map(\.size) == [5 * Self.mib - 1])
            #expect(done.version.etag.hasSuffix("-2"))
        }
    }

    @Test func completionPinsPartChecksumsAndStoresTheGivenHeaders() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            let etag = String(repeating: "f", count: 32)
            var part = TestFixtures.part(1, etag: etag, layout: TestFixtures.layout())
            part.segment.checksum = "AAAAAQ=="
            _ = try await store.putPart(bucket: "b", key: "k", uploadId: upload.uploadId, part: part)
            let headers = ["cache-control": "no-cache", "x-amz-checksum-crc32": "AAAAAg==-1"]
            // A part whose checksum is not the pinned one fails the completion and changes nothing.
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.completeUpload(
                        bucket: "b", key: "k", uploadId: upload.uploadId,
                        parts: [.init(partNumber: 1, etag: etag, checksum: "AAAAAw==")], condition: WriteCondition(),
                        headers: headers)
                } == .invalidPart)
            #expect(try await store.object(bucket: "b", key: "k") == nil)
            let done = try await store.completeUpload(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                parts: [.init(partNumber: 1, etag: etag, checksum: "AAAAAQ==")], condition: WriteCondition(),
                headers: headers)
            #expect(done.version.headers == headers)
            #expect(try await store.object(bucket: "b", key: "k")?.headers == headers)
        }
    }

    @Test func completingOverAnExistingObjectDisplacesIt() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            let old = TestFixtures.layout()
            _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k", layout: old))
            let etag = String(repeating: "d", count: 32)
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(1, etag: etag, layout: TestFixtures.layout())
            )
            let done = try await store.completeUpload(
                bucket: "b", key: "k", uploadId: upload.uploadId, parts: [.init(partNumber: 1, etag: etag)]
            )
            #expect(done.garbage == [old])
        }
    }

    @Test func concurrentCompletesHaveExactlyOneWinner() async throws {
        try await TestDatabase.withStore(maxConnections: 5) { store in
            let upload = try await Self.start(store)
            let etag = String(repeating: "e", count: 32)
            _ = try await store.putPart(
                bucket: "b", key: "k", uploadId: upload.uploadId,
                part: TestFixtures.part(1, etag: etag, layout: TestFixtures.layout())
            )
            let outcomes = try await withThrowingTaskGroup(of: MetadataError.Code?.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        do {
                            _ = try await store.completeUpload(
                                bucket: "b", key: "k", uploadId: upload.uploadId,
                                parts: [.init(partNumber: 1, etag: etag)]
                            )
                            return nil
                        } catch let error as MetadataError {
                            return error.code
                        }
                    }
                }
                var all: [MetadataError.Code?] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == .noSuchUpload }.count == 4)
        }
    }

    @Test func abortReturnsThePartsData() async throws {
        try await TestDatabase.withStore { store in
            let upload = try await Self.start(store)
            let layouts = [TestFixtures.layout(), TestFixtures.layout()]
            for (index, layout) in layouts.enumerated() {
                _ = try await store.putPart(
                    bucket: "b", key: "k", uploadId: upload.uploadId,
                    part: TestFixtures.part(index + 1, etag: "00", layout: layout)
                )
            }
            let garbage = try await store.abortUpload(bucket: "b", key: "k", uploadId: upload.uploadId)
            #expect(Set(garbage.map(\.dataId)) == Set(layouts.map(\.dataId)))
            #expect(
                Set(try await store.garbage(limit: 10, intentAge: 3600).map(\.layout.dataId))
                    == Set(layouts.map(\.dataId)))
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.abortUpload(bucket: "b", key: "k", uploadId: upload.uploadId)
                }
                    == .noSuchUpload
            )
            #expect(
                await TestFixtures.errorCode {
                    _ = try await store.putPart(
                        bucket: "b", key: "k", uploadId: upload.uploadId,
                        part: TestFixtures.part(3, etag: "00", layout: TestFixtures.layout())
                    )
                } == .noSuchUpload
            )
        }
    }

    @Test func listUploadsWithMarkersAndDelimiter() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            var uploads: [MultipartUpload] = []
            for (index, key) in ["x/1", "x/2", "a", "a", "a", "b/c", "é"].enumerated() {
                let upload = TestFixtures.upload(
                    bucket: "b", key: key, id: "u\(index)", initiated: base.addingTimeInterval(Double(10 - index))
                )
                try await store.createUpload(upload)
                uploads.append(upload)
            }
            // Key order, then initiation: the three uploads of "a" are u4, u3, u2.
            let all = try await store.listUploads(bucket: "b", query: .init())
            #expect(all.uploads.map(\.uploadId) == ["u4", "u3", "u2", "u5", "u0", "u1", "u6"])
            #expect(!all.isTruncated)

            var page = try await store.listUploads(bucket: "b", query: .init(maxUploads: 2))
            #expect(page.uploads.map(\.uploadId) == ["u4", "u3"] && page.isTruncated)
            #expect(page.nextKeyMarker == "a" && page.nextUploadIdMarker == "u3")
            page = try await store.listUploads(
                bucket: "b",
                query: .init(keyMarker: page.nextKeyMarker, uploadIdMarker: page.nextUploadIdMarker, maxUploads: 2)
            )
            #expect(page.uploads.map(\.uploadId) == ["u2", "u5"] && page.isTruncated)
            // A key marker alone skips every upload of that key.
            page = try await store.listUploads(bucket: "b", query: .init(keyMarker: "a"))
            #expect(page.uploads.map(\.uploadId) == ["u5", "u0", "u1", "u6"])

            let delimited = try await store.listUploads(bucket: "b", query: .init(delimiter: "/", maxUploads: 4))
            #expect(delimited.uploads.map(\.uploadId) == ["u4", "u3", "u2"])
            #expect(delimited.commonPrefixes == ["b/"])
            #expect(delimited.isTruncated && delimited.nextKeyMarker == "b/" && delimited.nextUploadIdMarker == nil)
            let rest = try await store.listUploads(
                bucket: "b", query: .init(delimiter: "/", keyMarker: delimited.nextKeyMarker, maxUploads: 4)
            )
            #expect(rest.commonPrefixes == ["x/"])
            #expect(rest.uploads.map(\.uploadId) == ["u6"])
            #expect(!rest.isTruncated)

            let prefixed = try await store.listUploads(bucket: "b", query: .init(prefix: "x/"))
            #expect(prefixed.uploads.map(\.key) == ["x/1", "x/2"])
            #expect(
                await TestFixtures.errorCode { _ = try await store.listUploads(bucket: "nope", query: .init()) }
                    == .noSuchBucket
            )
        }
    }
}
