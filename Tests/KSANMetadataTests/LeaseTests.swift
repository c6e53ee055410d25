import Foundation
import Testing

@testable import KSANMetadata

/// Garbage and repairs taken with a lease: several workers share the queues without taking the same item, and a
/// worker that dies leaves its items to the others once the lease ends.
@Suite(.serialized) struct LeaseTests {
    @Test func garbageTakenWithALeaseIsNotTakenTwiceUntilReleasedOrExpired() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            for index in 0..<5 {
                _ = try await store.putObject(
                    TestFixtures.version(bucket: "b", key: "k\(index)", layout: TestFixtures.layout()))
                _ = try await store.deleteObject(bucket: "b", key: "k\(index)")
            }
            let all = try await store.garbage(limit: 100, intentAge: 3600, grace: 0)
            #expect(all.count == 5)
            // Two workers at once get disjoint items, oldest first.
            async let first = store.garbage(limit: 3, intentAge: 3600, grace: 0, lease: 60)
            async let second = store.garbage(limit: 3, intentAge: 3600, grace: 0, lease: 60)
            let (a, b) = try await (first, second)
            #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
            #expect((a + b).count == 5)
            #expect(a.map(\.id) == a.map(\.id).sorted() && b.map(\.id) == b.map(\.id).sorted())
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0, lease: 60).isEmpty)
            // Looking without a lease still sees them all.
            #expect(try await store.garbage(limit: 100, intentAge: 3600, grace: 0) == all)
            // Released items are taken again; acknowledged ones are gone.
            try await store.releaseGarbage(ids: a.map(\.id))
            try await store.ackGarbage(ids: b.map(\.id))
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0, lease: 1).map(\.id) == a.map(\.id))
            // A lease that runs out (its worker died) gives them to the next taker.
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await store.garbage(limit: 10, intentAge: 3600, grace: 0, lease: 60).map(\.id) == a.map(\.id))
        }
    }

    @Test func repairsTakenWithALeaseAndANewReportEndsTheLease() async throws {
        try await TestDatabase.withStore { store in
            try await store.createBucket(TestFixtures.bucket("b"))
            let layouts = (0..<3).map { _ in TestFixtures.layout() }
            for (index, layout) in layouts.enumerated() {
                _ = try await store.putObject(TestFixtures.version(bucket: "b", key: "k\(index)", layout: layout))
                try await store.queueRepair(layout)
            }
            let taken = try await store.repairs(limit: 2, dropAfter: 3600, lease: 60)
            #expect(taken.map(\.layout) == Array(layouts.prefix(2)))
            let rest = try await store.repairs(limit: 10, dropAfter: 3600, lease: 60)
            #expect(rest.map(\.layout) == [layouts[2]])
            #expect(try await store.repairs(limit: 10, dropAfter: 3600, lease: 60).isEmpty)
            #expect(try await store.repairs(limit: 10, dropAfter: 3600).count == 3)  // looking sees every entry
            // New damage reported on a taken entry ends its lease: the next pass takes it again.
            try await store.queueRepair(layouts[0])
            let reported = try await store.repairs(limit: 10, dropAfter: 3600, lease: 60)
            #expect(reported.map(\.layout) == [layouts[0]])
            // A failed repair is released and taken again; an acknowledged one is gone.
            try await store.releaseRepairs([taken[1]])
            try await store.ackRepairs(rest)
            #expect(try await store.repairs(limit: 10, dropAfter: 3600, lease: 60).map(\.layout) == [layouts[1]])
            #expect(try await store.repairs(limit: 10, dropAfter: 3600).map(\.layout) == Array(layouts.prefix(2)))
        }
    }
}
