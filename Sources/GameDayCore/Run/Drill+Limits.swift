extension Drill {
    /// The longest a run of this drill can take when every wait runs to its timeout, plus a
    /// minute of margin: past it, the watchdog reverts whatever the runner is doing.
    public var maximumDuration: Duration {
        let cutover = cutover?.limit ?? .zero
        let cutback = rollback.cutback?.limit ?? .zero
        return steadyState.duration + probe.timeout + .seconds(5) + observe.timeout + cutover
            + (recovery?.timeout ?? .zero) + cutback + rollback.steadyState + .seconds(15) + .seconds(60)
            + .seconds(60 * faults.count)
    }
}
