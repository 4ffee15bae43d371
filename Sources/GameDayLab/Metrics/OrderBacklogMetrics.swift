import Prometheus

/// The order service's replication backlog, read from its database at every scrape:
/// `lab_order_outbox_depth{unit}`, the outbox rows some other unit has not confirmed yet, and
/// `lab_order_replication_lag_seconds{unit}`, how long the oldest of them has waited (0 when none).
struct OrderBacklogMetrics: Sendable {
    let store: OrderStore
    /// The units this one ships to.
    let peers: [String]
    private let depth: Gauge
    private let lag: Gauge

    init(metrics: LabMetrics, store: OrderStore, peers: [String]) {
        self.store = store
        self.peers = peers
        let labels = [("unit", metrics.unit)]
        depth = metrics.registry.makeGauge(descriptor: Self.outboxDepth, labels: labels)
        lag = metrics.registry.makeGauge(descriptor: Self.replicationLag, labels: labels)
    }

    /// Reads the backlog now; on a database error the gauges keep their last values.
    func refresh() async {
        guard let backlog = try? await store.backlog(peers: peers) else { return }
        depth.set(to: Double(backlog.depth))
        let waited = backlog.oldestMilliseconds.map { LabTimestamp.now().unixMilliseconds - $0 } ?? 0
        lag.set(to: max(0, waited) / 1000)
    }

    static var outboxDepth: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", subsystem: "order", metricName: "outbox_depth", unitName: "",
            helpText: "Outbox rows of this unit that at least one other unit has not confirmed applying.")
    }

    static var replicationLag: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", subsystem: "order", metricName: "replication_lag", unitName: "seconds",
            helpText: "How long the oldest outbox row not yet confirmed by every other unit has waited; 0 when none.")
    }
}
