import Testing

@testable import KSANData

@Suite("the quorum and grace of a stripe's shard writes")
struct ShardWriteQuorumTests {
    @Test("4+2: the fifth durable shard starts the grace, the sixth ends the writes")
    func quorumThenGrace() {
        var writes = ShardWriteQuorum(width: 6, quorum: 5, writeGrace: .seconds(1))
        #expect(writes.initialAction == .wait)
        for _ in 0..<4 { #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(10)) == .wait) }
        #expect(!writes.reachedQuorum)
        #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(10)) == .startGrace(.seconds(1)))
        #expect(writes.reachedQuorum)
        #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(20)) == .stop)
        #expect(writes.durable == 6)
    }

    @Test("the grace is twice the time the quorum took when that is longer than writeGrace")
    func graceScalesWithTheQuorumTime() {
        var writes = ShardWriteQuorum(width: 3, quorum: 2, writeGrace: .milliseconds(100))
        #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(700)) == .wait)
        #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(800)) == .startGrace(.milliseconds(1600)))
        #expect(writes.graceEnded() == .stop)
        #expect(writes.durable == 2 && writes.running == 1 && writes.reachedQuorum)
    }

    @Test("the writes stop as soon as the quorum is out of reach")
    func stopsWhenTheQuorumCannotBeReached() {
        var writes = ShardWriteQuorum(width: 6, quorum: 5, writeGrace: .seconds(1))
        #expect(writes.writeEnded(durable: false, elapsed: .milliseconds(1)) == .wait)
        #expect(writes.writeEnded(durable: true, elapsed: .milliseconds(2)) == .wait)
        #expect(writes.writeEnded(durable: false, elapsed: .milliseconds(3)) == .stop)
        #expect(!writes.reachedQuorum && writes.running == 3)
    }

    @Test("one copy: its write is the quorum; no shards: nothing to wait for")
    func degenerateWidths() {
        var single = ShardWriteQuorum(width: 1, quorum: 1, writeGrace: .seconds(1))
        #expect(single.writeEnded(durable: true, elapsed: .zero) == .stop)
        #expect(single.reachedQuorum)
        #expect(ShardWriteQuorum(width: 0, quorum: 1, writeGrace: .seconds(1)).initialAction == .stop)
        #expect(ShardWriteQuorum(width: 3, quorum: 4, writeGrace: .seconds(1)).initialAction == .stop)
    }

    @Test("no grace is started twice, and a failure after the quorum keeps it")
    func failuresAfterTheQuorum() {
        var writes = ShardWriteQuorum(width: 4, quorum: 2, writeGrace: .seconds(1))
        #expect(writes.writeEnded(durable: true, elapsed: .zero) == .wait)
        #expect(writes.writeEnded(durable: true, elapsed: .zero) == .startGrace(.seconds(1)))
        #expect(writes.writeEnded(durable: false, elapsed: .zero) == .wait)
        #expect(writes.writeEnded(durable: false, elapsed: .zero) == .stop)
        #expect(writes.durable == 2 && writes.reachedQuorum)
    }
}
