import KSANData
import KSANMetadata
import NIOConcurrencyHelpers

/// A data catalog in memory: the intents registered and the repairs queued.
final class MemoryCatalog: DataCatalog {
    private let intents = NIOLockedValueBox(Set<String>())
    private let repairs = NIOLockedValueBox([String]())

    /// Data ids with an intent.
    var openIntents: Set<String> { intents.withLockedValue { $0 } }
    /// Data ids queued for repair, in order.
    var queuedRepairs: [String] { repairs.withLockedValue { $0 } }

    func registerIntent(_ intent: WriteIntent) async throws {
        _ = intents.withLockedValue { $0.insert(intent.layout.dataId) }
    }

    func touchIntent(dataId: String) async throws -> Bool {
        intents.withLockedValue { $0.contains(dataId) }
    }

    func dropIntent(dataId: String) async throws {
        _ = intents.withLockedValue { $0.remove(dataId) }
    }

    func queueRepair(_ layout: DataLayout) async throws {
        repairs.withLockedValue { $0.append(layout.dataId) }
    }
}
