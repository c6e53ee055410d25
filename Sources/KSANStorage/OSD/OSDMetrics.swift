import Metrics

/// What an OSD measures, for `/metrics`: shard bytes and operations by disk, their latency, and each disk's space.
enum OSDMetrics {
    static func wrote(_ bytes: Int, disk: String, in duration: Duration) {
        record("write", bytes: bytes, disk: disk, duration: duration)
    }

    static func read(_ bytes: Int, disk: String, in duration: Duration) {
        record("read", bytes: bytes, disk: disk, duration: duration)
    }

    static func record(_ operation: String, bytes: Int, disk: String, duration: Duration) {
        let dimensions = [("disk", disk), ("operation", operation)]
        Counter(label: "ksan_osd_shard_bytes_total", dimensions: dimensions).increment(by: bytes)
        Timer(label: "ksan_osd_shard_duration_seconds", dimensions: dimensions).record(duration: duration)
    }

    /// Sets the space gauges of every disk (at each scrape: statvfs is cheap).
    static func updateSpace(of stores: [DiskStore]) {
        for usage in stores.compactMap(DiskSpace.usage(of:)) {
            Gauge(label: "ksan_disk_capacity_bytes", dimensions: [("disk", usage.id)]).record(usage.capacityBytes)
            Gauge(label: "ksan_disk_used_bytes", dimensions: [("disk", usage.id)]).record(usage.usedBytes)
        }
    }
}
