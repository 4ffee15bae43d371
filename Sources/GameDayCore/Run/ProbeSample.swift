/// One probe of one test user: what was sent when, and what came back.
public struct ProbeSample: Sendable, Hashable {
    /// When the probe was sent, from the run's start.
    public var sentAt: Duration
    /// How long until the answer (or the failure).
    public var latency: Duration
    public var status: Int?
    /// The unit named by the response's unit header.
    public var unit: String?
    /// The probe met the drill's success criteria.
    public var ok: Bool
    /// Why it failed, when it did: `status 503`, `connection refused`, `header X-Unit is beijing`.
    public var failure: String?
    public var timings: HTTPTimings
    /// How late the probe left against its slot (`start + k × interval`): the engine's schedule lag.
    public var lag: Duration

    public init(
        sentAt: Duration, latency: Duration = .zero, status: Int? = nil, unit: String? = nil, ok: Bool,
        failure: String? = nil, timings: HTTPTimings = HTTPTimings(), lag: Duration = .zero
    ) {
        self.lag = lag
        self.sentAt = sentAt
        self.latency = latency
        self.status = status
        self.unit = unit
        self.ok = ok
        self.failure = failure
        self.timings = timings
    }
}

/// Every sample of the run, per user, in the order they were sent.
public actor SampleStore {
    private var samples: [Int: [ProbeSample]] = [:]

    public init() {}

    /// Records a sample; true when it differs in outcome or serving unit from the one sent before it.
    @discardableResult
    public func record(_ sample: ProbeSample, for user: Int) -> Bool {
        var list = samples[user, default: []]
        let previous = list.last
        // Answers can arrive out of order; keep each list sorted by send time.
        if let last = list.last, last.sentAt > sample.sentAt {
            let index = list.lastIndex { $0.sentAt <= sample.sentAt }.map { $0 + 1 } ?? 0
            list.insert(sample, at: index)
        } else {
            list.append(sample)
        }
        samples[user] = list
        guard let previous else { return true }
        return previous.sentAt < sample.sentAt && (previous.ok != sample.ok || previous.unit != sample.unit)
    }

    public func samples(for user: Int) -> [ProbeSample] { samples[user, default: []] }

    public func all() -> [Int: [ProbeSample]] { samples }
}
