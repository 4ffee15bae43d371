/// What the run has done so far; shared by the main phases and the rollback.
public actor RunJournal {
    public private(set) var phases: [PhaseRecord] = []
    public private(set) var marks = TimelineMarks()
    public private(set) var applied: [AppliedFault] = []
    public private(set) var faultRecords: [String: FaultRecord] = [:]
    public private(set) var cutover: CutoverRecord?
    public private(set) var cutback: CutoverRecord?
    public private(set) var verdicts: [Verdict] = []
    /// The first reason the run stopped early (`could not run`, `aborted`, guardrail).
    public private(set) var reason: String?
    public private(set) var outcomeOverride: RunOutcome?
    public private(set) var steadyStateWindow: (from: Duration, to: Duration)?
    public private(set) var rollbackStart: Duration?
    /// Faults whose apply failed part-way, to undo from their ledger recipe.
    public private(set) var halfApplied: [(name: String, ticket: LedgerTicket)] = []
    /// The ledger entry of the cut-over, done once the cut-back succeeds.
    public private(set) var cutbackTicket: LedgerTicket?
    /// The check of the steady state after the rollback: nil when not made, "" when healthy.
    public private(set) var rollbackSteadyProblem: String?
    /// The RPO measured by canaries, once read back.
    public private(set) var rpo: RPORecord?

    public init() {}

    public func begin(_ phase: String, at time: Duration) {
        if let last = phases.indices.last, phases[last].endedMs == nil {
            phases[last].endedMs = time.milliseconds
            if phases[last].outcome == "running" { phases[last].outcome = "done" }
        }
        phases.append(PhaseRecord(name: phase, startedMs: time.milliseconds, endedMs: nil, outcome: "running"))
    }

    public func end(at time: Duration, outcome: String = "done") {
        guard let last = phases.indices.last, phases[last].endedMs == nil else { return }
        phases[last].endedMs = time.milliseconds
        phases[last].outcome = outcome
    }

    public func verdict(_ verdict: Verdict) { verdicts.append(verdict) }

    /// Stops the run early with `outcome`; the first reason given wins.
    public func stop(_ outcome: RunOutcome, reason: String) {
        if self.reason == nil { self.reason = reason }
        if outcomeOverride == nil || outcome == .aborted { outcomeOverride = outcome }
    }

    public func markFault(_ time: Duration) { if marks.fault == nil { marks.fault = time } }
    public func markReverted(_ time: Duration) { marks.reverted = time }
    public func markRollback(_ time: Duration) { rollbackStart = time }
    public func steadyState(from: Duration, to: Duration) { steadyStateWindow = (from, to) }

    public func planned(_ plan: FaultPlan) {
        faultRecords[plan.name] = FaultRecord(plan: plan, pids: [], commands: [], state: "not-applied")
    }

    public func applied(_ fault: AppliedFault, at time: Duration) {
        applied.append(fault)
        faultRecords[fault.plan.name]?.pids = fault.pids
        faultRecords[fault.plan.name]?.commands = fault.commands
        faultRecords[fault.plan.name]?.effect = fault.effect
        faultRecords[fault.plan.name]?.appliedMs = time.milliseconds
        faultRecords[fault.plan.name]?.state = "applied"
        faultRecords[fault.plan.name]?.hosts = fault.hosts.isEmpty ? nil : fault.hosts
    }

    /// Takes the applied faults out, last applied first, so each is reverted exactly once.
    public func takeAppliedForRevert() -> [AppliedFault] {
        defer { applied.removeAll() }
        return applied.reversed()
    }

    public func reverted(_ name: String, at time: Duration, outcome: Result<String, FaultError>) {
        faultRecords[name]?.revertedMs = time.milliseconds
        switch outcome {
        case .success(let what):
            faultRecords[name]?.state = "reverted"
            faultRecords[name]?.revert = what
        case .failure(let error):
            faultRecords[name]?.state = "revert-failed"
            faultRecords[name]?.revert = error.message
        }
    }

    public func recordRPO(_ record: RPORecord) { rpo = record }

    public func recordCutover(_ record: CutoverRecord) {
        cutover = record
        marks.cutoverStart = record.startedAt
        marks.cutoverDone = record.succeeded ? record.doneAt : nil
    }

    public func verdictRollbackSteady(_ problem: String?) { rollbackSteadyProblem = problem ?? "" }

    public func halfApplied(_ name: String, ticket: LedgerTicket) { halfApplied.append((name, ticket)) }

    public func takeHalfApplied() -> [(name: String, ticket: LedgerTicket)] {
        defer { halfApplied.removeAll() }
        return halfApplied
    }

    public func cutbackTicket(_ ticket: LedgerTicket) { cutbackTicket = ticket }

    public func recordCutback(_ record: CutoverRecord) { cutback = record }
}
