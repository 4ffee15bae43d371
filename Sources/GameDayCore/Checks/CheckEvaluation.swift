/// One evaluation of a metric check: when it was sent, what Prometheus gave, and what it counts as.
public struct CheckEvaluation: Sendable, Hashable, Codable {
    /// What the answer was; each a distinct outcome.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every value held.
        case pass
        /// A value did not hold (a breach).
        case fail
        /// No series matched.
        case noData = "no_data"
        /// The only values were NaN.
        case nan
        /// No answer: Prometheus unreachable, the credentials refused, the query malformed.
        case error
    }

    public var phase: CheckPhase
    /// When the query was sent, from the run's start.
    public var atMs: Double
    public var status: Status
    /// The value that decided: the breaching one, else the one nearest to breaching (absent when
    /// none, or not finite: JSON has no NaN).
    public var value: Double?
    /// The labels of the series that value belongs to, as PromQL writes them.
    public var series: String?
    /// How many series the answer held.
    public var seriesCount: Int
    /// What it counts as after `on_no_data`: pass, fail, or skipped.
    public var counts: Verdict.Status
    public var detail: String

    enum CodingKeys: String, CodingKey {
        case phase, atMs = "at_ms", status, value, series, seriesCount = "series_count", counts, detail
    }

    public init(
        phase: CheckPhase, atMs: Double, status: Status, value: Double?, series: String?, seriesCount: Int,
        counts: Verdict.Status, detail: String
    ) {
        self.phase = phase
        self.atMs = atMs
        self.status = status
        self.value = value.flatMap { $0.isFinite ? $0 : nil }
        self.series = series
        self.seriesCount = seriesCount
        self.counts = counts
        self.detail = detail
    }

    /// Judges Prometheus's answer against the check.
    public static func judge(
        _ answer: PrometheusAnswer, of check: MetricCheck, phase: CheckPhase, at: Duration
    ) -> CheckEvaluation {
        let at = at.milliseconds
        func noData(_ status: Status, _ words: String) -> CheckEvaluation {
            let counts: Verdict.Status =
                switch check.onNoData {
                case .fail: .fail
                case .pass: .pass
                case .skip: .skipped
                }
            return CheckEvaluation(
                phase: phase, atMs: at, status: status, value: nil, series: nil, seriesCount: 0, counts: counts,
                detail: "\(words) (on_no_data: \(check.onNoData.rawValue))")
        }
        switch answer {
        case .failed(let failure):
            return CheckEvaluation(
                phase: phase, atMs: at, status: .error, value: nil, series: nil, seriesCount: 0, counts: .fail,
                detail: failure.description)
        case .noData:
            return noData(.noData, "no series matched the query")
        case .values(let series):
            let values = series.flatMap { one in one.samples.map { (one.labels, $0.value) } }
            let numbers = values.filter { !$0.1.isNaN }
            guard !numbers.isEmpty else { return noData(.nan, "every value was NaN") }
            let expect = check.expect
            let breach = numbers.filter { !expect.holds($0.1) }
            // The worst value: the furthest past the threshold when it breaches, else the nearest to it.
            let ordered = (breach.isEmpty ? numbers : breach).sorted {
                abs($0.1 - expect.threshold) < abs($1.1 - expect.threshold)
            }
            let worst = breach.isEmpty ? ordered.first! : ordered.last!
            let scope = check.window.map { " over the last \(DurationText.format($0))" } ?? ""
            let (status, detail): (Status, String) =
                breach.isEmpty
                ? (.pass, "\(MetricValue.text(worst.1)) \(expect)\(scope) (\(series.count) series)")
                : (
                    .fail,
                    "\(MetricValue.text(worst.1)) of \(worst.0) is not \(expect)\(scope) "
                        + "(\(breach.count) of \(numbers.count) values breach)"
                )
            return CheckEvaluation(
                phase: phase, atMs: at, status: status, value: worst.1, series: worst.0, seriesCount: series.count,
                counts: status == .pass ? .pass : .fail, detail: detail)
        }
    }
}

/// A check as the result archives it: what it asked, and each evaluation.
public struct CheckRecord: Sendable, Hashable, Codable {
    public var name: String
    /// The query as sent (rendered; it never holds a secret).
    public var query: String
    public var expect: String
    public var phases: [CheckPhase]
    public var everyMs: Double
    public var windowMs: Double?
    public var onNoData: NoDataPolicy
    public var evaluations: [CheckEvaluation]

    enum CodingKeys: String, CodingKey {
        case name, query, expect, phases, everyMs = "every_ms", windowMs = "window_ms", onNoData = "on_no_data",
            evaluations
    }

    public init(_ check: MetricCheck, query: String, evaluations: [CheckEvaluation] = []) {
        name = check.name
        self.query = query
        expect = check.expect.description
        phases = check.phases
        everyMs = check.every.milliseconds
        windowMs = check.window?.milliseconds
        onNoData = check.onNoData
        self.evaluations = evaluations
    }
}
