/// One probe of one test user: what was sent when, and what came back.
public struct ProbeSample: Sendable, Hashable {
    /// When the probe was sent, from the run's start.
    public var sentAt: Duration
    /// How long until the answer (or the failure).
    public var latency: Duration
    public var status: Int?
    /// The unit the answer named, where the drill says to read it (`probe.unit_from`).
    public var unit: String?
    /// The probe met the drill's success criteria.
    public var ok: Bool
    /// Why it failed, when it did: `status 503`, `connection refused`, `header X-Unit is beijing`.
    public var failure: String?
    public var timings: HTTPTimings
    /// How late the probe left against its slot (`start + k × interval`): the engine's schedule lag.
    public var lag: Duration
    /// Sent at a focus's fine interval (`RunningProbes.focus(_:)`), not at a base slot.
    public var focused: Bool

    public init(
        sentAt: Duration, latency: Duration = .zero, status: Int? = nil, unit: String? = nil, ok: Bool,
        failure: String? = nil, timings: HTTPTimings = HTTPTimings(), lag: Duration = .zero, focused: Bool = false
    ) {
        self.focused = focused
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
