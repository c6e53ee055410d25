import Foundation
import KSANS3
import KSANTestSupport
import NIOCore
import Testing

extension OperationsTests {
    /// `x-amz-storage-class` picks the pool an operator mapped the class to with `ksanctl storage-class set`; the
    /// class is recorded with the object and shown by HEAD, GET and listings; an unmapped or unknown class is
    /// InvalidStorageClass and stores nothing.
    @Suite("Storage classes", .serialized)
    struct StorageClassTests {
        static let ia = [("x-amz-storage-class", "STANDARD_IA")]

        @Test("a mapped class lands in its pool and is shown; unmapped and unknown ones are refused")
        func storageClasses() async throws {
            try await TestCluster.with(amqpURL: try PrivateBroker.sharedURL(), extraDisks: 1) { cluster in
                try await cluster.startPortal()
                let ctl = { (arguments: [String]) in try PortalTests.ksanctl(cluster, arguments) }
                #expect(try await cluster.s3("PUT", "/classes").status == 200)

                // Not mapped yet: refused, nothing stored.
                let early = try await cluster.s3("PUT", "/classes/ia", body: ByteBuffer(string: "x"), headers: Self.ia)
                #expect(early.status == 400 && String(buffer: early.body).contains("InvalidStorageClass"))
                #expect(try await cluster.s3("HEAD", "/classes/ia").status == 404)

                // A pool of three copies on three new disks, and STANDARD_IA mapped to it.
                for h in 1...3 { #expect(try ctl(["disk", "add", "osd\(h)-d3", "--server", "osd\(h)"]).status == 0) }
                let pool = try ctl(["pool", "create", "cold", "--replicas", "3", "--disks", "osd1-d3,osd2-d3,osd3-d3"])
                #expect(pool.status == 0, "\(pool.error)")
                let set = try ctl(["storage-class", "set", "STANDARD_IA", "--pool", "cold"])
                #expect(set.status == 0 && set.output.contains("cold"), "\(set.error)")
                #expect(try ctl(["storage-class", "list"]).output.contains("STANDARD_IA"))

                let body = ClusterTests.random(300_000)
                try await PortalTests.eventually("the gateway takes the new class") {
                    try await cluster.s3("PUT", "/classes/ia", body: body, headers: Self.ia).status == 200
                }
                let coldDisks = cluster.osds.map { $0.disks[2] }
                #expect(coldDisks.allSatisfy { !cluster.shardFiles(onDisk: $0).isEmpty }, "each copy on a cold disk")
                let head = try await cluster.s3("HEAD", "/classes/ia")
                #expect(head.headers.first(name: "x-amz-storage-class") == "STANDARD_IA")
                let read = try await cluster.s3("GET", "/classes/ia")
                #expect(read.status == 200 && read.body == body)
                #expect(read.headers.first(name: "x-amz-storage-class") == "STANDARD_IA")

                // STANDARD (or nothing) stays in the bucket's pool, off the cold disks, and says no class.
                let coldBefore = coldDisks.map { cluster.shardFiles(onDisk: $0).count }
                #expect(try await cluster.s3("PUT", "/classes/std", body: ClusterTests.random(300_000)).status == 200)
                #expect(
                    try await cluster.s3(
                        "PUT", "/classes/std2", body: ByteBuffer(string: "s"),
                        headers: [("x-amz-storage-class", "STANDARD")]
                    ).status == 200)
                #expect(coldDisks.map { cluster.shardFiles(onDisk: $0).count } == coldBefore)
                #expect(try await cluster.s3("HEAD", "/classes/std").headers.first(name: "x-amz-storage-class") == nil)

                // Listings name each object's class.
                let list = String(buffer: try await cluster.s3("GET", "/classes", query: "list-type=2").body)
                #expect(
                    list.contains("<Key>ia</Key><LastModified>")
                        && list.contains("<StorageClass>STANDARD_IA</StorageClass>"))
                #expect(list.components(separatedBy: "<StorageClass>STANDARD</StorageClass>").count == 3, "\(list)")

                // A copy is STANDARD unless it asks; asking changes the class, even of the object itself.
                let copy = [("x-amz-copy-source", "/classes/ia")]
                #expect(try await cluster.s3("PUT", "/classes/copy", headers: copy).status == 200)
                #expect(try await cluster.s3("HEAD", "/classes/copy").headers.first(name: "x-amz-storage-class") == nil)
                #expect(
                    try await cluster.s3(
                        "PUT", "/classes/std", headers: [("x-amz-copy-source", "/classes/std")] + Self.ia
                    )
                    .status == 200)
                #expect(
                    try await cluster.s3("HEAD", "/classes/std").headers.first(name: "x-amz-storage-class")
                        == "STANDARD_IA"
                )

                // Unmapped and unknown classes: InvalidStorageClass, nothing stored.
                for name in ["GLACIER", "FAST", "standard_ia"] {
                    let refused = try await cluster.s3(
                        "PUT", "/classes/no-\(name)", body: ByteBuffer(string: "x"),
                        headers: [("x-amz-storage-class", name)])
                    #expect(
                        refused.status == 400 && String(buffer: refused.body).contains("InvalidStorageClass"), "\(name)"
                    )
                    #expect(try await cluster.s3("HEAD", "/classes/no-\(name)").status == 404)
                }

                // What the portal refuses.
                let standard = try ctl(["storage-class", "set", "STANDARD", "--pool", "cold"])
                #expect(standard.status == 1 && standard.error.contains("STANDARD"), "\(standard.error)")
                #expect(try ctl(["storage-class", "set", "FAST", "--pool", "cold"]).status == 1)
                let noPool = try ctl(["storage-class", "set", "GLACIER", "--pool", "nope"])
                #expect(noPool.status == 1 && noPool.error.contains("No such pool"), "\(noPool.error)")
                let inUse = try ctl(["pool", "remove", "cold"])
                #expect(inUse.status == 1 && inUse.error.contains("storage class"), "\(inUse.error)")

                // Unmapped again: new writes are refused; the object keeps its class and its data.
                #expect(try ctl(["storage-class", "remove", "STANDARD_IA"]).status == 0)
                #expect(try ctl(["storage-class", "remove", "STANDARD_IA"]).status == 1)
                try await PortalTests.eventually("the gateway drops the class") {
                    try await cluster.s3("PUT", "/classes/late", body: ByteBuffer(string: "x"), headers: Self.ia).status
                        == 400
                }
                let kept = try await cluster.s3("GET", "/classes/ia")
                #expect(kept.body == body && kept.headers.first(name: "x-amz-storage-class") == "STANDARD_IA")
            }
        }
    }
}
