import Testing

@testable import KSANS3

/// DeleteObjects deletes its keys side by side: results in the request's order, each key's targets in sequence, and
/// never more in flight than the width.
struct DeleteObjectsConcurrencyTests {
    /// What the operation saw: the order of calls per key, and the most calls in flight at once.
    actor Recorder {
        var calls: [String: [String?]] = [:]
        var inFlight = 0
        var most = 0

        func begin(_ key: String, _ versionId: String?) {
            calls[key, default: []].append(versionId)
            inFlight += 1
            most = max(most, inFlight)
        }

        func end() { inFlight -= 1 }
    }

    struct Refused: Error {}

    @Test func resultsInOrderKeysInSequenceWidthBounded() async throws {
        var targets: [(key: String, versionId: String?)] = []
        for index in 0..<200 { targets.append(("k\(index % 50)", index % 7 == 0 ? nil : "v\(index)")) }
        targets.append(("bad", nil))
        let recorder = Recorder()
        let results = await S3Gateway.concurrently(targets, width: 8) { key, versionId -> String in
            await recorder.begin(key, versionId)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...3)))
            await recorder.end()
            if key == "bad" { throw Refused() }
            return "\(key)@\(versionId ?? "-")"
        }
        #expect(results.count == targets.count)
        for (target, result) in zip(targets, results) {
            switch result {
            case .success(let value): #expect(value == "\(target.key)@\(target.versionId ?? "-")")
            case .failure(let error): #expect(target.key == "bad" && error is Refused)
            }
        }
        // Each key's targets ran in the request's order.
        let calls = await recorder.calls
        for (key, versionIds) in calls {
            #expect(versionIds == targets.filter { $0.key == key }.map(\.versionId), "\(key)")
        }
        let most = await recorder.most
        #expect(most <= 8 && most > 1)
    }
}
