import Hummingbird
import Metrics
import NIOCore

/// What the gateway measures, for `/metrics`: requests by operation and status, their latency (to the response's
/// head: bodies stream after it), and the bytes of request and response bodies.
enum S3Metrics {
    static let received = Counter(label: "ksan_s3_received_bytes_total")
    static let sent = Counter(label: "ksan_s3_sent_bytes_total")

    static func record(operation: String, status: Int, duration: Duration) {
        Counter(label: "ksan_s3_requests_total", dimensions: [("operation", operation), ("status", "\(status)")])
            .increment()
        Timer(label: "ksan_s3_request_duration_seconds", dimensions: [("operation", operation)])
            .record(duration: duration)
    }

    /// `body`, counting the bytes written into ``sent``; its length is kept (Content-Length stays).
    static func counting(_ body: ResponseBody) -> ResponseBody {
        ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(
                writer.map { buffer in
                    sent.increment(by: buffer.readableBytes)
                    return buffer
                })
        }
    }
}
