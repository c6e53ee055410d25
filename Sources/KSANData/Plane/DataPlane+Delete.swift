import KSANMetadata

/// Deletion of a layout's shards: of deleted objects (garbage collection) and of writes that are not committed.
extension DataPlane {
    /// Deletes every shard of a layout; true if every disk confirmed.
    public func delete(_ layout: DataLayout) async -> Bool {
        guard let topology = try? await self.topology.current() else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            for disk in Set(layout.diskIds) {
                group.addTask {
                    // A disk the topology no longer has was removed (which needs it to hold no data): its files are
                    // out of the cluster's reach, and nothing is left to delete.
                    guard let host = topology.host(ofDisk: disk) else { return true }
                    do {
                        try await shards.delete(endpoint: host.endpoint, disk: disk, dataId: layout.dataId)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.allSatisfy { $0 }
        }
    }

    /// Deletes the shards of a failed write in the background, then drops its intent; if any disk cannot be reached
    /// the intent stays, and garbage collection finishes the job later.
    func discard(_ layout: DataLayout, reason: String) {
        logger.info("discarding unfinished data", metadata: ["ksan.data": "\(layout.dataId)", "reason": "\(reason)"])
        let catalog = self.catalog
        Task.detached {
            if await delete(layout) { try? await catalog.dropIntent(dataId: layout.dataId) }
        }
    }
}
