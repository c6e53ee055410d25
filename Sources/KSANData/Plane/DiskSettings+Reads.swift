import KSANMetadata

extension DiskSettings {
    /// Whether reads ask this disk for its shards first: not when it is Bad or Disabled (parity is read instead, and
    /// the disk only when too few others answer).
    var servesReadsFirst: Bool { state == .good || state == .weak }
}
