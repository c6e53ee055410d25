import KSANMetadata

/// The one owner of data that is written but not committed. A write that fails cleans up after itself; after a
/// write returns, its data is either committed through ``committing(_:reason:_:)`` or given up with
/// ``abandon(_:reason:)``, and nothing else deletes it.
extension DataPlane {
    /// Runs `commit`, the metadata call that makes `segments` part of an object or an upload. If metadata definitely
    /// refused it, their data is deleted. If the outcome is unknown (a timeout, a lost connection, a cancelled
    /// request, a metadata service that answered "unavailable"), the commit may have landed and deleting the data
    /// could lose an object that is current: it is kept, with its write intent, which the commit deleted if it
    /// landed; if it did not, garbage collection deletes the data once the intent ages out.
    public func committing<Result>(
        _ segments: [ObjectSegment], reason: String, _ commit: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await commit()
        } catch {
            if Self.isDefiniteRefusal(error) {
                for layout in segments.compactMap(\.layout) { discard(layout, reason: reason) }
            } else {
                logger.warning(
                    "commit outcome unknown: its data is kept, and collected later if the commit did not land",
                    metadata: ["ksan.data": "\(segments.compactMap(\.layout?.dataId))", "error": "\(error)"])
            }
            throw error
        }
    }

    /// Deletes data that was written but will not be committed (a digest that does not match, a form's file
    /// outside its length range).
    public func abandon(_ written: WrittenData, reason: String) {
        if let layout = written.segment.layout { discard(layout, reason: reason) }
    }

    /// Whether metadata answered, and its answer was no: an error it sent that is neither "unavailable" nor
    /// "internal".
    static func isDefiniteRefusal(_ error: any Error) -> Bool {
        guard let error = error as? MetadataError else { return false }
        return error.code != .unavailable && error.code != .internal
    }
}
