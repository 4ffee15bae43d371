/// What one user went through after the faults were applied.
public struct UserImpact: Sendable, Hashable {
    /// The first failed probe after the first fault: when it was sent.
    public var firstFailure: Duration?
    /// When that probe's failure came back (its answer, or curl giving up).
    public var firstFailureObserved: Duration?
    /// Failed probes between the first fault and the revert.
    public var failures: Int = 0
    /// Probes between the first fault and the revert.
    public var samples: Int = 0
    /// The first success, on the expected unit, after the first failure.
    public var firstOk: Duration?
    /// The start of the first sustained-success window after the first failure: when its first
    /// probe was sent.
    public var recovered: Duration?
    /// When that probe's answer came.
    public var recoveredObserved: Duration?
    /// The end of that window (its last answer received).
    public var confirmed: Duration?

    public init(
        firstFailure: Duration? = nil, failures: Int = 0, samples: Int = 0, firstOk: Duration? = nil,
        recovered: Duration? = nil, confirmed: Duration? = nil
    ) {
        self.firstFailure = firstFailure
        self.failures = failures
        self.samples = samples
        self.firstOk = firstOk
        self.recovered = recovered
        self.confirmed = confirmed
    }
}

/// Follows one user's samples, in send order, from the first fault: impact, first success,
/// sustained recovery. Keeps only the last `n` samples of the success window, so a run of any
/// length costs the same memory.
public struct ImpactTracker: Sendable {
    /// The first fault's time; samples sent before it do not count.
    public let from: Duration
    /// The revert time; samples sent after it do not count as impact (they still count for recovery).
    public var until: Duration?
    /// When set, a success only counts toward recovery if served by this unit.
    public let recoveryUnit: String?
    public private(set) var impact = UserImpact()

    private let k: Int
    private let n: Int
    /// The last samples after the first failure: whether each was good, when it was sent, when answered.
    private var window: [(good: Bool, sent: Duration, end: Duration)] = []
    private var windowStart = 0
    private var goodInWindow = 0

    public init(from: Duration, until: Duration? = nil, window: SuccessWindow, recoveryUnit: String?) {
        self.from = from
        self.until = until
        self.recoveryUnit = recoveryUnit
        (k, n) = window.kn
    }

    /// A sample that counts toward recovery: a success, served by `recoveryUnit` when one is set.
    /// The runner's focus at the cut-over ends on the same condition.
    public static func recovers(_ sample: ProbeSample, on recoveryUnit: String?) -> Bool {
        sample.ok && (recoveryUnit == nil || sample.unit == recoveryUnit)
    }

    /// Takes the next sample (samples must come in send order).
    public mutating func feed(_ sample: ProbeSample) {
        guard sample.sentAt >= from else { return }
        if until.map({ sample.sentAt < $0 }) ?? true {
            impact.samples += 1
            if !sample.ok {
                impact.failures += 1
                if impact.firstFailure == nil {
                    impact.firstFailure = sample.sentAt
                    impact.firstFailureObserved = sample.sentAt + sample.latency
                    return
                }
            }
        }
        guard let firstFailure = impact.firstFailure, sample.sentAt > firstFailure else { return }
        let good = Self.recovers(sample, on: recoveryUnit)
        if good, impact.firstOk == nil { impact.firstOk = sample.sentAt }
        guard impact.recovered == nil else { return }

        // A ring of the last n samples: the window that starts at its oldest one.
        let entry = (good: good, sent: sample.sentAt, end: sample.sentAt + sample.latency)
        if window.count < n {
            window.append(entry)
        } else {
            if window[windowStart].good { goodInWindow -= 1 }
            window[windowStart] = entry
            windowStart = (windowStart + 1) % n
        }
        if good { goodInWindow += 1 }
        guard window.count == n else { return }
        let oldest = window[windowStart]
        if oldest.good, goodInWindow >= k {
            impact.recovered = oldest.sent
            impact.recoveredObserved = oldest.end
            impact.confirmed = window[(windowStart + n - 1) % n].end
            window = []
        }
    }
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
        var tracker = ImpactTracker(from: from, until: until, window: window, recoveryUnit: recoveryUnit)
        for sample in samples { tracker.feed(sample) }
        return tracker.impact
    }
}

/// The last `n` outcomes of a user expected to be unaffected, from the first fault: the blast-radius
/// guardrail trips when `k` of them failed.
struct GuardWindow: Sendable {
    let k: Int
    let n: Int
    private var recent: [Bool] = []
    private var next = 0
    private(set) var failuresInWindow = 0
    /// Every failure since the first fault, and the first of them.
    private(set) var failures = 0
    private(set) var first: ProbeSample?
    /// The window as it was when it first tripped: checks run once per probe interval and may see it
    /// later, with more failures in it, but the guardrail tripped at this probe.
    private(set) var trip: (failures: Int, seen: Int, at: ProbeSample)?

    init(_ window: SuccessWindow) {
        (k, n) = window.kn
    }

    mutating func feed(_ sample: ProbeSample) {
        let failed = !sample.ok
        if failed {
            failures += 1
            if first == nil { first = sample }
        }
        if recent.count < n {
            recent.append(failed)
        } else {
            if recent[next] { failuresInWindow -= 1 }
            recent[next] = failed
            next = (next + 1) % n
        }
        if failed { failuresInWindow += 1 }
        if trip == nil, tripped { trip = (failuresInWindow, recent.count, sample) }
    }

    /// The guardrail tripped: at least `k` failures among the last `n` probes (enough of them seen).
    var tripped: Bool { recent.count >= min(n, k) && failuresInWindow >= k }
}
