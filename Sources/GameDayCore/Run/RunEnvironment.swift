/// Everything the runner needs from the outside world, behind protocols.
public struct RunEnvironment: Sendable {
    public var transport: any HTTPTransport
    /// Runs a cut-over's `command:` calls (on this host); nil where a run has none to run.
    public var commands: (any CommandExecutor)?
    public var faults: any FaultDriver
    public var clock: any RunClock
    /// Wall-clock time of an offset on `clock`, as Unix milliseconds (sub-millisecond precision).
    public var wallClock: @Sendable (Duration) -> Double
    public var environment: @Sendable (String) -> String?
    /// Where a secret file (the control plane's token) is read.
    public var files: any FileSystem
    public var reporter: any RunReporter
    public var runId: String
    /// Where every fault is recorded before it is applied. No default: a run without one would
    /// leave nothing for the watchdog or `gameday recover` (tests hand in a `MemoryLedger`).
    public var ledger: any FaultLedger
    /// Starts the probe engine.
    public var probes: any ProbeLauncher
    /// Where raw samples go when asked (`--raw-samples`): every sample as it arrives.
    public var rawSamples: (any ProbeSink)?
    /// Ctrl-C and SIGTERM: the CLI notes each one here and cancels the run's task.
    public var interruption: RunInterruption
    /// Who decides the cut-over when the drill's trigger is `prompt` or `external`; a run of such
    /// a drill without one stops in preflight.
    public var decisions: (any CutoverDecisionSource)?
    /// The hooks and notifications around the phases; the runner awaits them as each phase starts.
    public var hooks: (any RunHooks)?
    /// The state directory of `ledger`, for the `gameday recover` command the run's messages give
    /// (`recoverCommand(for:)`); nil: the default one.
    public var stateDirectory: String?

    public init(
        transport: any HTTPTransport, faults: any FaultDriver, clock: any RunClock,
        wallClock: @escaping @Sendable (Duration) -> Double, environment: @escaping @Sendable (String) -> String?,
        files: any FileSystem, reporter: any RunReporter, runId: String,
        ledger: any FaultLedger, probes: any ProbeLauncher = TaskProbeLauncher(),
        rawSamples: (any ProbeSink)? = nil, interruption: RunInterruption = RunInterruption(),
        commands: (any CommandExecutor)? = nil, decisions: (any CutoverDecisionSource)? = nil
    ) {
        self.commands = commands
        self.decisions = decisions
        self.interruption = interruption
        self.ledger = ledger
        self.probes = probes
        self.rawSamples = rawSamples
        self.transport = transport
        self.faults = faults
        self.clock = clock
        self.wallClock = wallClock
        self.environment = environment
        self.files = files
        self.reporter = reporter
        self.runId = runId
    }
}
