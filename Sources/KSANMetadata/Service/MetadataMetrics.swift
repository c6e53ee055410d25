import Metrics

/// What the metadata service adds to `/metrics`: the queues it keeps (read at each scrape).
enum MetadataMetrics {
    static func update(_ queues: QueueLengths) {
        Gauge(label: "ksan_outbox_pending_events").record(queues.outbox.pending)
        Gauge(label: "ksan_outbox_oldest_event_age_seconds").record(queues.outbox.oldestAgeSeconds)
        Gauge(label: "ksan_repair_queue_length").record(queues.repair)
        Gauge(label: "ksan_gc_queue_length").record(queues.garbage)
    }
}
