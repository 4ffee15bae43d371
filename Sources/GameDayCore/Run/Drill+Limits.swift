extension Drill {
    /// The longest a run of this drill can take when every wait runs to its timeout, plus a
    /// minute of margin: past it, the watchdog reverts whatever the runner is doing.
    public var maximumDuration: Duration {
        // The wait for a person's decision counts: the watchdog must not revert the faults meanwhile.
        let cutover = (cutover?.limit ?? .zero) + (cutover?.trigger.waitLimit ?? .zero)
        let cutback = rollback.cutback?.limit ?? .zero
        return steadyState.duration + probe.timeout + .seconds(5) + observe.timeout + cutover
            + (recovery?.timeout ?? .zero) + cutback + rollback.steadyState + .seconds(15) + .seconds(60)
            + .seconds(60 * faults.count)
    }
}
