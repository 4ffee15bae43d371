/// `observe:` — watching the impact of the faults before the cut-over.
public struct ObserveSpec: Sendable, Hashable {
    /// `duration: 1s` — watch at least this long.
    public var duration: Duration
    /// `timeout: 10s` — wait at most this long for users expected to fail to fail.
    public var timeout: Duration

    public init(duration: Duration = .seconds(1), timeout: Duration? = nil) {
        self.duration = duration
        self.timeout = timeout ?? max(duration, .seconds(10))
    }
}
