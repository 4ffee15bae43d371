/// `recovery:` — the RTO goal and what counts as recovered.
public struct RecoverySpec: Sendable, Hashable {
    /// `rto: 5s` — from the first fault applied to the start of the sustained-success window.
    public var rto: Duration
    /// `window:`
    public var window: SuccessWindow
    /// `timeout: 30s` — how long to wait for recovery before giving up (default: 3 × rto, at least 10s).
    public var timeout: Duration

    public init(rto: Duration, window: SuccessWindow = .consecutive(5), timeout: Duration? = nil) {
        self.rto = rto
        self.window = window
        self.timeout = timeout ?? max(rto * 3, .seconds(10))
    }
}
