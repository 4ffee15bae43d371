/// The moments of a drill on the runner's clock, as the design defines them.
public struct TimelineMarks: Sendable, Hashable {
    /// The first fault applied.
    public var fault: Duration?
    /// The cut-over request sent.
    public var cutoverStart: Duration?
    /// The control plane reported the cut-over done.
    public var cutoverDone: Duration?
    /// Every fault reverted.
    public var reverted: Duration?

    public init(
        fault: Duration? = nil, cutoverStart: Duration? = nil, cutoverDone: Duration? = nil, reverted: Duration? = nil
    ) {
        self.fault = fault
        self.cutoverStart = cutoverStart
        self.cutoverDone = cutoverDone
        self.reverted = reverted
    }
}

/// A run of consecutive samples with the same outcome and serving unit.
public struct TimelineSegment: Sendable, Hashable, Codable {
    public var from: Duration
    public var to: Duration
    public var ok: Bool
    public var unit: String?
    public var status: Int?
    public var failure: String?
    public var samples: Int
    /// When its last sample was sent (not archived; `to` is when that sample's answer came).
    public var lastSent: Duration

    enum CodingKeys: String, CodingKey { case from = "from_ms", to = "to_ms", ok, unit, status, failure, samples }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = .milliseconds(try c.decode(Double.self, forKey: .from))
        to = .milliseconds(try c.decode(Double.self, forKey: .to))
        ok = try c.decode(Bool.self, forKey: .ok)
        unit = try c.decodeIfPresent(String.self, forKey: .unit)
        status = try c.decodeIfPresent(Int.self, forKey: .status)
        failure = try c.decodeIfPresent(String.self, forKey: .failure)
        samples = try c.decode(Int.self, forKey: .samples)
        lastSent = from
    }

    public init(
        from: Duration, to: Duration, ok: Bool, unit: String?, status: Int?, failure: String?, samples: Int,
        lastSent: Duration? = nil
    ) {
        self.lastSent = lastSent ?? from
        self.from = from
        self.to = to
        self.ok = ok
        self.unit = unit
        self.status = status
        self.failure = failure
        self.samples = samples
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from.milliseconds, forKey: .from)
        try c.encode(to.milliseconds, forKey: .to)
        try c.encode(ok, forKey: .ok)
        try c.encodeIfPresent(unit, forKey: .unit)
        try c.encodeIfPresent(status, forKey: .status)
        try c.encodeIfPresent(failure, forKey: .failure)
        try c.encode(samples, forKey: .samples)
    }

    /// Folds samples (sorted by send time) into segments.
    public static func segments(of samples: [ProbeSample]) -> [TimelineSegment] {
        var segments: [TimelineSegment] = []
        for sample in samples { append(sample, to: &segments) }
        return segments
    }

    /// Whether `sample` would extend the last of `segments` rather than start a new one.
    public static func extends(_ segments: [TimelineSegment], with sample: ProbeSample) -> Bool {
        guard let last = segments.last else { return false }
        return last.ok == sample.ok && last.unit == sample.unit && last.status == sample.status
            && last.failure == sample.failure
    }

    /// Adds the next sample (in send order): it extends the last segment when it has the same outcome,
    /// unit, status and failure, else starts a new one. True when it started a new one.
    @discardableResult
    public static func append(_ sample: ProbeSample, to segments: inout [TimelineSegment]) -> Bool {
        let end = sample.sentAt + sample.latency
        if extends(segments, with: sample), var last = segments.last {
            last.to = max(last.to, end)
            last.lastSent = sample.sentAt
            last.samples += 1
            segments[segments.count - 1] = last
            return false
        }
        segments.append(
            TimelineSegment(
                from: sample.sentAt, to: end, ok: sample.ok, unit: sample.unit, status: sample.status,
                failure: sample.failure, samples: 1))
        return true
    }
}

extension SuccessWindow {
    /// The window as k successes out of n samples.
    public var kn: (k: Int, n: Int) {
        switch self {
        case .consecutive(let n): (n, n)
        case .kOfN(let k, let n): (k, n)
        }
    }
}

/// RTO measured, with the design's breakdown (detect, decide, switch, converge).
public struct RTOBreakdown: Sendable, Hashable {
    public var measured: Duration
    public var detect: Duration?
    public var decide: Duration?
    public var switchOver: Duration?
    public var converge: Duration?
    /// A stepwise cut-over's share of the switch, step by step: each step's span clipped to the switch.
    public var switchSteps: [(name: String, time: Duration)] = []

    public static func == (lhs: RTOBreakdown, rhs: RTOBreakdown) -> Bool {
        (lhs.measured, lhs.detect, lhs.decide, lhs.switchOver, lhs.converge)
            == (rhs.measured, rhs.detect, rhs.decide, rhs.switchOver, rhs.converge)
            && lhs.switchSteps.map(\.name) == rhs.switchSteps.map(\.name)
            && lhs.switchSteps.map(\.time) == rhs.switchSteps.map(\.time)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(measured)
        hasher.combine(switchSteps.map(\.name))
    }

    /// Splits the switch among `steps` (each with when its call went out and when it was done).
    public mutating func split(
        among steps: [(name: String, start: Duration?, done: Duration?)], cutoverStart: Duration?
    ) {
        guard let cutoverStart, let switchOver else { return }
        let end = cutoverStart + switchOver
        switchSteps = steps.compactMap { step in
            guard let start = step.start, start < end else { return nil }
            return (step.name, min(step.done ?? end, end) - start)
        }
    }

    /// Builds the breakdown; the four parts add up to `measured` when every mark is known.
    ///
    /// When the probes see recovery before the control plane reports done (its answer
    /// lags the switch), the switch part ends at recovery and converge is zero.
    public static func measure(
        fault: Duration, detect: Duration?, cutoverStart: Duration?, cutoverDone: Duration?, recovered: Duration
    ) -> RTOBreakdown {
        var result = RTOBreakdown(measured: recovered - fault)
        if let detect { result.detect = detect - fault }
        if let detect, let cutoverStart { result.decide = cutoverStart - detect }
        if let cutoverStart {
            let switchEnd = min(cutoverDone ?? recovered, recovered)
            result.switchOver = switchEnd - cutoverStart
            result.converge = recovered - switchEnd
        }
        return result
    }
}
