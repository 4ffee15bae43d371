import Prometheus

/// One lab service's metrics, which it serves on `GET /metrics` in the Prometheus text format.
///
/// The names and labels are a contract that drills, tests and README's table rely on:
/// `lab_http_requests_total{service, unit, route, code}` and
/// `lab_http_request_duration_seconds{service, unit, route}` for every request a service answers
/// (but `/metrics`), plus the order service's and the control plane's own (`OrderBacklogMetrics`,
/// `CutoverMetrics`).
struct LabMetrics: Sendable {
    /// Where every lab service serves its metrics.
    static let path = "/metrics"
    /// The text format's content type, version 0.0.4, which every Prometheus reads.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// The `route` of a request for a path the service does not serve: a raw path would make a new
    /// series of every mistyped URL.
    static let unmatchedRoute = "unmatched"
    /// The `unit` of the lab-wide services, and of a gateway request routed to no unit.
    static let noUnit = "none"
    /// From 5 ms, the lab's fastest answers, to 10 s, beyond every timeout it has.
    static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    let registry: PrometheusCollectorRegistry
    /// The lab role (`gateway`, `storefront`, `order`, ...).
    let service: String
    /// The unit the service belongs to, `none` for the gateway and the control plane.
    let unit: String

    init(role: LabRole, unit: String?, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.service = role.rawValue
        self.unit = unit.flatMap { $0.isEmpty ? nil : $0 } ?? Self.noUnit
    }

    /// Counts and times one answered request; `unit` nil counts it under the service's own unit.
    func recordRequest(unit: String?, route: String, code: Int, duration: Duration) {
        let unit = unit ?? self.unit
        registry.makeCounter(
            descriptor: Self.requests,
            labels: [("service", service), ("unit", unit), ("route", route), ("code", String(code))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("service", service), ("unit", unit), ("route", route)],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Every metric in the text format.
    func exposition() -> [UInt8] { registry.emitToBuffer() }

    // MARK: - Names

    // Computed: `MetricNameDescriptor` is not `Sendable`, so it cannot be a stored static.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "Requests a lab service answered, by the unit it served (or routed to) and route pattern.")
    }

    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "How long a lab service took to answer, until its response headers were ready.")
    }
}
