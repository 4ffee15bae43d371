/// `checks:` — a PromQL query over the system's own metrics (the target's `prometheus:`) that must
/// hold in the phases it names: before anything is done (`steady_state`), every `every` while the
/// faults are applied (`guardrail`: a breach aborts the run and reverts at once), and again before
/// recovery is confirmed (`recovery`).
///
/// ```yaml
/// checks:
///   - name: hangzhou-5xx
///     query: sum(rate(lab_http_requests_total{unit="hangzhou",code=~"5.."}[5s]))
///     expect: "< 0.5"
///     phase: [steady_state, guardrail, recovery]
///     every: 1s
///     window: 10s          # optional: a range query; every value in the window must hold
///     on_no_data: pass     # fail (default) | pass | skip
/// ```
public struct MetricCheck: Sendable, Hashable {
    public var name: String
    /// PromQL, with the drill's `{{values}}` (`{{fault.unit}}`, `{{drill.name}}`, `{{run.id}}`…).
    public var query: Template
    public var expect: MetricComparison
    public var phases: [CheckPhase]
    /// How often a guardrail is evaluated (and a recovery check retried).
    public var every: Duration
    /// A range query over the last `window` (every value of every series must hold), rather than
    /// an instant query.
    public var window: Duration?
    public var onNoData: NoDataPolicy
    /// Where the check is written in the drill file.
    public var location: SourceLocation?

    public init(
        name: String, query: Template, expect: MetricComparison, phases: [CheckPhase], every: Duration = .seconds(5),
        window: Duration? = nil, onNoData: NoDataPolicy = .fail, location: SourceLocation? = nil
    ) {
        self.location = location
        self.name = name
        self.query = query
        self.expect = expect
        self.phases = phases
        self.every = every
        self.window = window
        self.onNoData = onNoData
    }

    /// Whether the check is evaluated in `phase`.
    public func applies(to phase: CheckPhase) -> Bool { phases.contains(phase) }
}

/// When a check is evaluated.
public enum CheckPhase: String, Sendable, Hashable, CaseIterable, Codable {
    case steadyState = "steady_state"
    case guardrail
    case recovery
}

/// What an empty result (no series) or NaN counts as: `fail` (the default: a query that sees
/// nothing proves nothing), `pass`, or `skip` (recorded, and neither passes nor fails the check).
public enum NoDataPolicy: String, Sendable, Hashable, CaseIterable, Codable {
    case fail, pass, skip
}

/// `expect: "< 0.5"` — a comparison with a threshold that every value must satisfy.
public struct MetricComparison: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case below = "<", atMost = "<=", above = ">", atLeast = ">=", equal = "==", notEqual = "!="
    }

    public var op: Operator
    public var threshold: Double

    public init(_ op: Operator, _ threshold: Double) {
        self.op = op
        self.threshold = threshold
    }

    /// Reads `< 0.5`, `>=100`, `== 0`; nil when it is not an operator followed by a finite number.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        // The two-character operators first, so that `<=` is not read as `<` and `=5`.
        let ordered = Operator.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        guard let op = ordered.first(where: { trimmed.hasPrefix($0.rawValue) }) else { return nil }
        let number = trimmed.dropFirst(op.rawValue.count).trimmingWhitespace()
        // Decimal only (strtod would also take hex, `inf` and `nan`).
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            number.first.map({ $0.isNumber || "+-.".contains($0) }) == true,
            let threshold = Double(number), threshold.isFinite
        else { return nil }
        self.init(op, threshold)
    }

    /// Whether `value` satisfies the comparison (NaN never does).
    public func holds(_ value: Double) -> Bool {
        switch op {
        case .below: value < threshold
        case .atMost: value <= threshold
        case .above: value > threshold
        case .atLeast: value >= threshold
        case .equal: value == threshold
        case .notEqual: !value.isNaN && value != threshold
        }
    }

    public var description: String { "\(op.rawValue) \(MetricValue.text(threshold))" }
}

/// How a metric value is written: as Prometheus writes it (`NaN`, `+Inf`), integers without a
/// fraction, others in Swift's shortest exact form.
public enum MetricValue {
    public static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Reads a value as Prometheus's API writes it (`"0.25"`, `"NaN"`, `"+Inf"`).
    public static func parse(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }
}
