/// `steady_state:` before the faults, and again after the rollback.
public struct SteadyStateSpec: Sendable, Hashable {
    /// `duration: 1s` — every user must succeed for this long.
    public var duration: Duration

    public init(duration: Duration = .seconds(1)) { self.duration = duration }
}
