/// What makes a probe sample a success.
public struct SuccessCriteria: Sendable, Hashable {
    /// `status: 200` or `status: [200, 204]`
    public var status: [Int]
    /// `headers: { X-Unit: hangzhou }` — exact values, names compared without case.
    public var headers: [String: String]
    /// `body_contains: '"ok":true'` or a list.
    public var bodyContains: [String]

    public init(status: [Int] = [200], headers: [String: String] = [:], bodyContains: [String] = []) {
        self.status = status
        self.headers = headers
        self.bodyContains = bodyContains
    }
}

/// How every test user is probed (`probe:` in a drill).
public struct ProbeSpec: Sendable, Hashable {
    /// The shortest interval a drill may give its probes (and canaries and polls): below it the
    /// engine spends its time on the schedule instead of the requests (1 ms is already 1,000
    /// probes a second per user).
    public static let minimumInterval: Duration = .milliseconds(1)
    /// `focus_interval:` when a drill does not say: fine enough to put the RTO's ends within 10 ms
    /// of the truth, for the few users and the few seconds it covers.
    public static let defaultFocusInterval: Duration = .milliseconds(10)

    /// `interval: 100ms` — one probe per user per interval, whatever the previous one does.
    public var interval: Duration
    /// `timeout: 1s` — a probe with no answer by then is a failure.
    public var timeout: Duration
    /// `request:` — `{{user.id}}` and `{{gateway.url}}` are available.
    public var request: RequestTemplate
    /// `success:` — what a healthy answer looks like.
    public var success: SuccessCriteria
    /// `unit_from: { header: X-Unit }` or `{ body: /unit }` (`unit_header: X-Unit` for short) — where
    /// the answer names the unit that served the probe.
    public var unitFrom: UnitSource
    /// `max_in_flight: 10` — probes of one user in flight at once; a slot beyond that is skipped.
    /// Nil: enough for every slot of one timeout (`timeout / interval`, rounded up), so no slot is
    /// skipped unless answers take longer than the timeout.
    public var maxInFlight: Int?
    /// `focus_interval: 10ms` — around the fault and the cut-over, the users that must fail or move
    /// are probed at this finer interval until each has (`RunningProbes.focus(_:)`); nil (`off`):
    /// never. See `fineInterval` for the one in force.
    public var focusInterval: Duration?

    public init(
        interval: Duration = .milliseconds(100), timeout: Duration = .seconds(1), request: RequestTemplate,
        success: SuccessCriteria = SuccessCriteria(), unitFrom: UnitSource = .standard, maxInFlight: Int? = nil,
        focusInterval: Duration? = ProbeSpec.defaultFocusInterval
    ) {
        self.focusInterval = focusInterval
        self.interval = interval
        self.timeout = timeout
        self.request = request
        self.success = success
        self.unitFrom = unitFrom
        self.maxInFlight = maxInFlight
    }

    /// The in-flight bound in force: `maxInFlight`, or one timeout's worth of slots.
    public var inFlightLimit: Int {
        if let maxInFlight { return max(1, maxInFlight) }
        let slots = (timeout / interval).rounded(.up)
        return max(1, Int(min(slots, 1000)))
    }

    /// The focus interval in force: `focusInterval` when it is finer than `interval`, else nil (a
    /// drill probing every 10 ms or faster has nothing to gain from the default).
    public var fineInterval: Duration? {
        guard let focusInterval, focusInterval < interval else { return nil }
        return focusInterval
    }
}
