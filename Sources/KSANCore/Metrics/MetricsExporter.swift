import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// The process's metrics, in the Prometheus text format: swift-metrics bootstrapped once with a swift-prometheus
/// factory, whose registry every `/metrics` endpoint emits.
public enum MetricsExporter {
    /// The process's registry; reading it bootstraps the metrics system (once per process).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
        registry.makeGauge(name: "ksan_build_info", labels: [("version", KSANVersion.current)]).set(to: 1.0)
        return registry
    }()

    /// Makes sure metrics go to ``registry`` (call before creating any metric).
    public static func bootstrap() {
        _ = registry
    }

    /// `GET /metrics`: the registry in the Prometheus text exposition format 0.0.4.
    public static func response() -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 << 10)
        registry.emit(into: &bytes)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
