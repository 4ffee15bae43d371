/// What runs around a run's phases: the hooks of its target and drill, and its notifications.
///
/// The runner awaits each call as a phase starts, so a hook before inject runs before the
/// ledger hears of any fault; the real one (GameDayRuntime's `PhaseHooks`) runs commands and
/// sends webhooks, tests hand in fakes.
public protocol RunHooks: Sendable {
    /// The run enters `phase`; the phase before it, if any, is over. Returns why the run must stop
    /// when a hook with `on_failure: abort` failed (only hooks that precede the faults have it).
    func entering(_ phase: RunPhase, _ state: PhaseEntry) async -> HookStop?
}

/// What the run knows as a phase starts, for the hooks and notifications around it.
public struct PhaseEntry: Sendable {
    /// When the phase starts, on the run's clock.
    public var at: Duration
    /// Why the run stopped early (an interrupt, a breached guardrail, a failed step), once it has.
    public var stopReason: String?
    /// Whether an interrupt (Ctrl-C, SIGTERM) arrived.
    public var interrupted: Bool
    /// The cut-over as far as it went, once it was sent.
    public var cutover: CutoverRecord?

    public init(at: Duration, stopReason: String? = nil, interrupted: Bool = false, cutover: CutoverRecord? = nil) {
        self.at = at
        self.stopReason = stopReason
        self.interrupted = interrupted
        self.cutover = cutover
    }
}

/// A hook with `on_failure: abort` failed: the run stops before any fault.
public struct HookStop: Error, Sendable, Hashable {
    public var hook: String
    /// Why, in words: `exited with status 2: no ticket system`.
    public var failure: String

    public init(hook: String, failure: String) {
        self.hook = hook
        self.failure = failure
    }
}
