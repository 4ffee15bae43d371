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
    }

    public init(from: Duration, to: Duration, ok: Bool, unit: String?, status: Int?, failure: String?, samples: Int) {
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
        for sample in samples {
            let end = sample.sentAt + sample.latency
            if var last = segments.last, last.ok == sample.ok, last.unit == sample.unit, last.status == sample.status,
                last.failure == sample.failure
            {
                last.to = max(last.to, end)
                last.samples += 1
                segments[segments.count - 1] = last
            } else {
                segments.append(
                    TimelineSegment(
                        from: sample.sentAt, to: end, ok: sample.ok, unit: sample.unit, status: sample.status,
                        failure: sample.failure, samples: 1))
            }
        }
        return segments
    }
}

/// What one user went through after the faults were applied.
public struct UserImpact: Sendable, Hashable {
    /// The first failed probe after the first fault.
    public var firstFailure: Duration?
    /// Failed probes between the first fault and the revert.
    public var failures: Int
    /// Probes between the first fault and the revert.
    public var samples: Int
    /// The first success, on the expected unit, after the first failure.
    public var firstOk: Duration?
    /// The start of the first sustained-success window after the first failure.
    public var recovered: Duration?
    /// The end of that window (its last answer received).
    public var confirmed: Duration?
}

/// Reads a user's samples against the drill's marks: impact, first success, sustained recovery.
public enum ImpactAnalysis {
    /// Analyses `samples` (sorted by send time) of one user.
    ///
    /// - Parameters:
    ///   - from: the first fault's time; samples sent before it do not count.
    ///   - until: the revert time; samples sent after it do not count as impact.
    ///   - recoveryUnit: when set, a success only counts toward recovery if served by this unit.
    public static func analyse(
        _ samples: [ProbeSample], from: Duration, until: Duration?, window: SuccessWindow, recoveryUnit: String?
    ) -> UserImpact {
        let during = samples.filter { sample in sample.sentAt >= from && (until.map { sample.sentAt < $0 } ?? true) }
        var impact = UserImpact(
            firstFailure: during.first { !$0.ok }?.sentAt, failures: during.count { !$0.ok }, samples: during.count)
        guard let firstFailure = impact.firstFailure else { return impact }

        let after = samples.filter { $0.sentAt > firstFailure }
        let good: (ProbeSample) -> Bool = { $0.ok && (recoveryUnit == nil || $0.unit == recoveryUnit) }
        impact.firstOk = after.first(where: good)?.sentAt

        let (k, n) = window.kn
        guard after.count >= n else { return impact }
        for start in 0...(after.count - n) where good(after[start]) {
            let slice = after[start..<(start + n)]
            if slice.count(where: good) >= k {
                impact.recovered = after[start].sentAt
                let last = after[start + n - 1]
                impact.confirmed = last.sentAt + last.latency
                break
            }
        }
        return impact
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
