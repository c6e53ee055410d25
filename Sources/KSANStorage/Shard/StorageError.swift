/// A failure of shard storage, on an OSD or seen by its client.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The shard does not exist.
        case notFound
        /// A block of the shard failed its checksum: bit rot or a torn write. Never returned as data.
        case corrupt
        /// A path component was invalid.
        case invalidAddress
        /// The disk is not served by this OSD.
        case noSuchDisk
        /// The OSD could not be reached or answered garbage.
        case unavailable
        /// Local I/O failed.
        case io
        /// The data id was deleted: no shard of it is stored again (a write that raced its deletion).
        case deleted
        /// The disk has no room: the write would leave less free space than the OSD's reserve.
        case full
    }

    /// What went wrong.
    public var code: Code
    /// Details (no secrets).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
