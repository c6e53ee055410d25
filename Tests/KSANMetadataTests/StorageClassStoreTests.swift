import Foundation
import Testing

@testable import KSANMetadata

/// Storage classes in the topology: which names may be mapped, and that no change leaves one without its pool.
@Suite("Storage classes in the topology", .enabled(if: TestEnvironment.postgresEnabled))
struct StorageClassStoreTests {
    @Test func classesAreMappedToExistingPoolsOnly() async throws {
        try await TestDatabase.withStore { store in
            try await store.setStorageClass(name: "STANDARD_IA", poolId: "rep3")
            #expect(try await store.topology().storageClasses == ["STANDARD_IA": "rep3"])
            #expect(
                try await store.topology().pool(ofStorageClass: "STANDARD_IA", bucketPool: "default") == "rep3")
            #expect(try await store.topology().pool(ofStorageClass: "STANDARD", bucketPool: "default") == "default")
            #expect(try await store.topology().pool(ofStorageClass: "GLACIER", bucketPool: "default") == nil)
            for (name, pool, code) in [
                ("STANDARD", "rep3", MetadataError.Code.invalidArgument), ("FAST", "rep3", .invalidArgument),
                ("GLACIER", "nope", .notFound),
            ] {
                #expect(
                    await TestFixtures.errorCode { try await store.setStorageClass(name: name, poolId: pool) } == code)
            }
            // Remapping replaces; the pool a class names cannot go, by the portal or by a topology file.
            try await store.setStorageClass(name: "STANDARD_IA", poolId: "default")
            try await store.setStorageClass(name: "GLACIER", poolId: "rep3")
            #expect(await TestFixtures.errorCode { try await store.removePool(id: "rep3") } == .conflict)
            var withoutRep3 = TestFixtures.topology
            withoutRep3.pools.removeAll { $0.id == "rep3" }
            #expect(await TestFixtures.errorCode { try await store.loadTopology(withoutRep3) } == .invalidTopology)
            // A file that gives classes replaces them; one that names a missing pool is refused.
            withoutRep3.storageClasses = ["STANDARD_IA": "default"]
            try await store.loadTopology(withoutRep3)
            #expect(try await store.topology().storageClasses == ["STANDARD_IA": "default"])
            withoutRep3.storageClasses = ["GLACIER": "gone"]
            #expect(await TestFixtures.errorCode { try await store.loadTopology(withoutRep3) } == .invalidTopology)
            try await store.removeStorageClass(name: "STANDARD_IA")
            #expect(try await store.topology().storageClasses == nil)
            #expect(
                await TestFixtures.errorCode { try await store.removeStorageClass(name: "STANDARD_IA") } == .notFound)
        }
    }
}
