import Prometheus

/// A run's metrics in the Prometheus text exposition format (0.0.4): what node_exporter's textfile
/// collector reads and a Pushgateway takes. Written by swift-prometheus, which gives the HELP and
/// TYPE lines and escapes label values (backslash, quote, line feed).
public enum PrometheusExposition {
    /// The media type a Pushgateway is told.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// One HELP, TYPE and sample line per figure the run measured, in `RunMetric`'s order.
    public static func render(_ metrics: RunMetrics) -> String {
        var buffer: [UInt8] = []
        for sample in metrics.samples {
            // A registry of its own per family: a registry emits its families in the order of a
            // dictionary, which changes from one process to the next; a file a person compares
            // between runs (and a test) should not.
            let registry = PrometheusCollectorRegistry()
            registry.makeGauge(descriptor: sample.metric.descriptor, labels: metrics.labels(of: sample.metric))
                .set(to: sample.value)
            registry.emit(into: &buffer)
        }
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension RunMetric {
    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: base, unitName: unit ?? "", helpText: help)
    }
}
