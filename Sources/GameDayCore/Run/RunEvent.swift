/// What the runner tells the person watching, as it happens.
public enum RunEvent: Sendable {
    case phaseStarted(RunPhase)
    /// The run is over and its result is being written.
    case archiving
    case note(String)
    case problem(String)
    /// A user's probes changed: now failing, recovered, or served by another unit.
    case userChanged(TestUser, ProbeSample)
    /// What only `--verbose` shows: the commands run, each state of a cut-over.
    case detail(String)
    /// The run as it is now, every `RunReporter.statusInterval` while probes run, when the reporter
    /// asks for it.
    case status(LiveStatus)
}
