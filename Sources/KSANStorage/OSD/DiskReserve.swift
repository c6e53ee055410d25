import KSANCore

/// The free space an OSD keeps on each disk (`--disk-reserve`): a shard write that would leave less is refused
/// (``StorageError/Code/full``), so that a full disk still has room for its tombstones, temporary files and file
/// system, and the disk reports itself full (``DiskFullness``) before it gets there.
public enum DiskReserve: Sendable, Hashable {
    /// A number of bytes.
    case bytes(Int64)
    /// A fraction of the file system's size (0...1).
    case fraction(Double)

    /// The default: 1 % of the disk.
    public static let standard = DiskReserve.fraction(0.01)

    /// Parses `2%`, `512M`, `10G`, `1T` or a number of bytes (K, M, G, T are powers of 1024).
    public init?(argument: String) {
        if argument.hasSuffix("%") {
            guard let percent = Double(argument.dropLast()), percent >= 0, percent <= 100 else { return nil }
            self = .fraction(percent / 100)
            return
        }
        guard let bytes = ByteSize.parse(argument) else { return nil }
        self = .bytes(bytes)
    }

    /// The reserve in bytes on a file system of `capacity` bytes.
    public func bytes(ofCapacity capacity: Int64) -> Int64 {
        switch self {
        case .bytes(let bytes): bytes
        case .fraction(let fraction): Int64((Double(capacity) * fraction).rounded(.up))
        }
    }
}
