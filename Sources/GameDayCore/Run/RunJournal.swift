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
    /// Faults whose apply failed part-way, to revert through the ledger like the others.
    public private(set) var halfApplied: [(name: String, ticket: LedgerTicket)] = []
    /// The ledger entry of the cut-over, done once the cut-back succeeds.
    public private(set) var cutbackTicket: LedgerTicket?
    /// The check after the rollback that the steady state came back.
    public private(set) var rollbackCheck: RollbackCheckRecord?
    /// When the run was interrupted (Ctrl-C, SIGTERM), and in which phase.
    public private(set) var interruption: (at: Duration, phase: RunPhase?)?
    /// The RPO measured by canaries, once read back.
    public private(set) var rpo: RPORecord?
    /// The drill's metric checks and their evaluations, in the drill's order.
    public private(set) var checks: [CheckRecord] = []
    /// The decision to cut over, when someone other than the runner gave it.
    public private(set) var decision: CutoverDecisionRecord?

    public init() {}

    public func declareCheck(_ record: CheckRecord) { checks.append(record) }

    public func checkEvaluated(_ name: String, _ evaluation: CheckEvaluation) {
        guard let index = checks.firstIndex(where: { $0.name == name }) else { return }
        checks[index].evaluations.append(evaluation)
    }

    public func begin(_ phase: RunPhase, at time: Duration) {
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

    public func markFault(_ time: Duration) { marks.fault = min(marks.fault ?? time, time) }

    /// The run was interrupted at `time`: its outcome is aborted whatever it was, and the reason
    /// says so (after the reason it had already stopped for, if any). What the rollback then did
    /// is added when the result is built (`RunReport.afterInterrupt`), once it has done it.
    public func interrupted(at time: Duration) {
        guard interruption == nil else { return }
        let phase = phases.last { $0.startedMs <= time.milliseconds }?.name
        interruption = (time, phase)
        let words = "interrupted at \(DrillRunner.ms(time)) (\(phase?.rawValue ?? "start"))"
        reason = reason.map { "\($0); then \(words)" } ?? words
        outcomeOverride = .aborted
    }
    public func markReverted(_ time: Duration) { marks.reverted = time }
    public func markRollback(_ time: Duration) { rollbackStart = time }
    public func steadyState(from: Duration, to: Duration) { steadyStateWindow = (from, to) }

    public func planned(_ plan: FaultPlan) {
        faultRecords[plan.name] = FaultRecord(plan: plan, pids: [], commands: [], state: .notApplied)
    }

    public func applied(_ fault: AppliedFault, timing: FaultTiming) {
        applied.append(fault)
        faultRecords[fault.plan.name]?.pids = fault.pids
        faultRecords[fault.plan.name]?.commands = fault.commands
        faultRecords[fault.plan.name]?.effect = fault.effect
        faultRecords[fault.plan.name]?.state = .applied
        faultRecords[fault.plan.name]?.hosts = fault.hosts.isEmpty ? nil : fault.hosts
        timed(fault.plan.name, timing)
    }

    /// When a fault took effect, how long it was prepared before, and when it was proven.
    private func timed(_ name: String, _ timing: FaultTiming) {
        guard let stamp = timing.stamp else { return }
        faultRecords[name]?.appliedMs = stamp.at.milliseconds
        faultRecords[name]?.prepareMs = (stamp.at - timing.preparedFrom).milliseconds
        faultRecords[name]?.effectMs = stamp.duration?.milliseconds
        faultRecords[name]?.provenMs = timing.proven?.milliseconds
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
            faultRecords[name]?.state = .reverted
            faultRecords[name]?.revert = what
        case .failure(let error):
            faultRecords[name]?.state = .revertFailed
            faultRecords[name]?.revert = error.message
        }
    }

    public func recordRPO(_ record: RPORecord) { rpo = record }

    public func recordDecision(_ record: CutoverDecisionRecord) { decision = record }

    public func recordCutover(_ record: CutoverRecord) {
        cutover = record
        marks.cutoverStart = record.startedAt
        marks.cutoverDone = record.succeeded ? record.doneAt : nil
    }

    public func recordRollbackCheck(_ check: RollbackCheckRecord) { rollbackCheck = check }

    /// A fault whose apply failed part-way; `timing` says when its effecting action ran, if it did.
    public func halfApplied(_ name: String, ticket: LedgerTicket, timing: FaultTiming) {
        halfApplied.append((name, ticket))
        timed(name, timing)
    }

    public func takeHalfApplied() -> [(name: String, ticket: LedgerTicket)] {
        defer { halfApplied.removeAll() }
        return halfApplied
    }

    public func cutbackTicket(_ ticket: LedgerTicket) { cutbackTicket = ticket }

    public func recordCutback(_ record: CutoverRecord) { cutback = record }
}

/// When a fault was prepared, took effect and was proven, on the run's clock.
public struct FaultTiming: Sendable, Hashable {
    /// When its preparation began (before the ledger, the lookups, the guards).
    public var preparedFrom: Duration
    /// Its effecting action, if one ran.
    public var stamp: FaultMoment.Stamp?
    /// When its apply returned with the proof.
    public var proven: Duration?

    public init(preparedFrom: Duration, stamp: FaultMoment.Stamp?, proven: Duration?) {
        self.preparedFrom = preparedFrom
        self.stamp = stamp
        self.proven = proven
    }
}
