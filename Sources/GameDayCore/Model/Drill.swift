/// One experiment, as a drill file describes it.
public struct Drill: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var probe: ProbeSpec
    public var users: [TestUser]
    public var steadyState: SteadyStateSpec
    public var faults: [FaultSpec]
    public var observe: ObserveSpec
    public var cutover: CutoverSpec?
    public var recovery: RecoverySpec?
    public var rollback: RollbackSpec
    /// `guardrail: { consecutive: 3 }` or `{ k: 3, n: 10 }` — that many failures of a user expected
    /// to be unaffected (in a row, or among its last n probes) breach the blast radius: the run aborts
    /// and reverts at once.
    public var guardrail: SuccessWindow
    /// `rpo:` — canary writes that measure the RPO.
    public var rpo: CanarySpec?
    /// `checks:` — PromQL checks of the system's own metrics (the target's `prometheus:`).
    public var checks: [MetricCheck] = []
    /// `hooks:` — commands run around the phases of this drill, after the target's own.
    public var hooks: [Hook] = []
    /// `users:` entries with `generate:` — resolved into `users` against the target's routing rule.
    public var userGroups: [UserGroupSpec]
    public var file: String

    public init(
        name: String, description: String? = nil, probe: ProbeSpec, users: [TestUser],
        steadyState: SteadyStateSpec = SteadyStateSpec(), faults: [FaultSpec], observe: ObserveSpec = ObserveSpec(),
        cutover: CutoverSpec? = nil, recovery: RecoverySpec? = nil, rollback: RollbackSpec = RollbackSpec(),
        guardrail: SuccessWindow = .consecutive(3), rpo: CanarySpec? = nil, userGroups: [UserGroupSpec] = [],
        file: String = "<memory>"
    ) {
        self.userGroups = userGroups
        self.guardrail = guardrail
        self.rpo = rpo
        self.name = name
        self.description = description
        self.probe = probe
        self.users = users
        self.steadyState = steadyState
        self.faults = faults
        self.observe = observe
        self.cutover = cutover
        self.recovery = recovery
        self.rollback = rollback
        self.file = file
    }

    /// The unit the faults hit (all faults of a drill hit one unit).
    public var faultedUnit: String? { faults.first?.unit }
}
