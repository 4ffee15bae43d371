import Prometheus

/// The control plane's cut-overs: `lab_cutovers_total{phase}`, one increment each time a cut-over
/// completes a phase (the phases of `CutoverPhase`, as the ground-truth log names them), and
/// `lab_cutover_in_progress`, 1 from a cut-over's acceptance until it is done or failed.
struct CutoverMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let inProgress: Gauge

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        inProgress = registry.makeGauge(descriptor: Self.inProgressName)
        // Every phase from the start, at 0: `rate()` and `increase()` need the series before the
        // first cut-over.
        for phase in CutoverPhase.allCases { _ = counter(phase) }
    }

    func record(_ phase: CutoverPhase) {
        counter(phase).increment()
    }

    func setInProgress(_ running: Bool) {
        inProgress.set(to: running ? 1.0 : 0.0)
    }

    private func counter(_ phase: CutoverPhase) -> Counter {
        registry.makeCounter(descriptor: Self.phases, labels: [("phase", phase.rawValue)])
    }

    static var phases: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", metricName: "cutovers", unitName: "total",
            helpText: "Cut-over phases completed (accepted, write_block, sync_wait, switch, unblock, done, failed).")
    }

    static var inProgressName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "lab", metricName: "cutover_in_progress", unitName: "",
            helpText: "1 while a cut-over is accepted and not yet done or failed, else 0.")
    }
}
