import Testing

@testable import KSANData

@Suite("which shards a stripe read fetches, and when")
struct ShardGatherTests {
    @Test("healthy 4+2: the four data shards, and nothing more once they arrive")
    func dataShardsFirst() {
        var gather = ShardGather(needed: 4, suspect: Array(repeating: false, count: 6))
        #expect(gather.start() == [0, 1, 2, 3])
        for _ in 0..<3 { #expect(gather.fetched(.data).isEmpty) }
        #expect(!gather.isDone)
        #expect(gather.fetched(.data).isEmpty)
        #expect(gather.isDone && !gather.damaged)
        #expect(gather.hedge().isEmpty)
    }

    @Test("a shard on a suspect host is replaced by parity from the start")
    func suspectHostsGoLast() {
        var gather = ShardGather(needed: 4, suspect: [false, true, false, false, false, false])
        #expect(gather.candidates == [0, 2, 3, 4, 5, 1])
        #expect(gather.start() == [0, 2, 3, 4])
    }

    @Test("a failed fetch is replaced at once; a damaged shard marks the stripe for repair")
    func failuresAreReplaced() {
        var gather = ShardGather(needed: 4, suspect: Array(repeating: false, count: 6))
        _ = gather.start()
        #expect(gather.fetched(.damaged) == [4])
        #expect(gather.damaged)
        #expect(gather.fetched(.unanswered) == [5])
        for _ in 0..<3 { _ = gather.fetched(.data) }
        #expect(!gather.isDone)
        #expect(gather.fetched(.data).isEmpty)
        #expect(gather.isDone && gather.received == 4)
    }

    @Test("the hedge asks for every shard not asked for yet; the first k to arrive win")
    func hedge() {
        var gather = ShardGather(needed: 4, suspect: Array(repeating: false, count: 6))
        _ = gather.start()
        #expect(gather.hedge() == [4, 5])
        #expect(gather.running == 6)
        for _ in 0..<4 { _ = gather.fetched(.data) }
        #expect(gather.isDone && gather.running == 2)
        #expect(gather.hedge().isEmpty)
    }

    @Test("too many failures: done with fewer than k, nothing left to ask")
    func tooManyFailures() {
        var gather = ShardGather(needed: 4, suspect: Array(repeating: false, count: 6))
        _ = gather.start()
        #expect(gather.fetched(.unanswered) == [4])
        #expect(gather.fetched(.unanswered) == [5])
        #expect(gather.fetched(.unanswered).isEmpty)
        for _ in 0..<3 { _ = gather.fetched(.data) }
        #expect(gather.isDone && gather.received == 3)
    }

    @Test("a replicated pool needs one copy")
    func replicated() {
        var gather = ShardGather(needed: 1, suspect: [true, false, false])
        #expect(gather.start() == [1])
        #expect(gather.fetched(.unanswered) == [2])
        #expect(gather.fetched(.data).isEmpty)
        #expect(gather.isDone)
    }
}
