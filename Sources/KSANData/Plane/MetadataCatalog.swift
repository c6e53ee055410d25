import KSANMetadata

/// The data plane's catalog in the metadata service.
public struct MetadataCatalog: DataCatalog {
    let store: any MetadataStore

    /// The catalog of `store`.
    public init(_ store: any MetadataStore) {
        self.store = store
    }

    public func registerIntent(_ intent: WriteIntent) async throws {
        try await store.registerIntent(intent)
    }

    public func touchIntent(dataId: String) async throws -> Bool {
        try await store.touchIntent(dataId: dataId)
    }

    public func dropIntent(dataId: String) async throws {
        try await store.dropIntent(dataId: dataId)
    }

    public func queueRepair(_ layout: DataLayout) async throws {
        try await store.queueRepair(layout)
    }
}
