/// `rollback:` — after the faults are reverted.
public struct RollbackSpec: Sendable, Hashable {
    /// `cutback:` — the request that restores the baseline routing.
    public var cutback: CutoverSpec?
    /// `steady_state: 1s` — every user must be healthy again, on its home unit, for this long.
    public var steadyState: Duration

    public init(cutback: CutoverSpec? = nil, steadyState: Duration = .seconds(1)) {
        self.cutback = cutback
        self.steadyState = steadyState
    }
}
