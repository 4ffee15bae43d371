/// The verdicts on what the faults did, one function per verdict, from what the run recorded.
///
/// In an interrupted run, a verdict whose evidence was still to come when the interrupt arrived
/// is not reached, never failed: a failure must have happened (a bystander failed, the goal passed
/// unmet) before the run stopped.
struct OutcomeVerdicts {
    let drill: Drill
    /// Per user, from the first fault until the faults were reverted.
    let impacts: [String: UserImpact]
    let samples: SampleSnapshot
    let rto: RTORecord?
    let marks: TimelineMarks
    /// When the run was interrupted (Ctrl-C, SIGTERM), if it was.
    let interrupted: Duration?
    /// Why the run stopped before its end, if it did.
    let stoppedEarly: String?
    /// When the observe phase ended, if it did.
    let observeEnded: Double?
    let cutover: CutoverRecord?
    let cutback: CutoverRecord?
    let rpo: RPORecord?
    let faults: [FaultRecord]
    let rollbackCheck: RollbackCheckRecord?

    init(
        drill: Drill, journal: RunJournal, impacts: [String: UserImpact], samples: SampleSnapshot, rto: RTORecord?,
        marks: TimelineMarks, faults: [FaultRecord]
    ) async {
        self.drill = drill
        self.impacts = impacts
        self.samples = samples
        self.rto = rto
        self.marks = marks
        self.faults = faults
        interrupted = await journal.interruption?.at
        stoppedEarly = await journal.reason
        observeEnded = await journal.phases.first { $0.name == .observe }?.endedMs
        cutover = await journal.cutover
        cutback = await journal.cutback
        rpo = await journal.rpo
        rollbackCheck = await journal.rollbackCheck
    }

    /// Every verdict that applies to the drill, in the order the result lists them.
    var all: [Verdict] {
        [impact(), blastRadius(), cutoverDone(), cutoverSeen(), recovery(), canaries()].compactMap { $0 } + [rollback()]
    }

    /// A verdict whose evidence the interrupt cut short, in the words every such verdict uses.
    private func notReached(_ name: String, _ what: String) -> Verdict {
        Verdict(name, .skipped, "not reached (interrupted at \(DrillRunner.ms(interrupted ?? .zero))): \(what)")
    }

    // MARK: - One function per verdict

    /// `impact`: every user expected to fail did.
    func impact() -> Verdict? {
        let expectedFailing = drill.users.filter { $0.impact == .fail }
        guard !expectedFailing.isEmpty else { return nil }
        let seen = expectedFailing.compactMap { user in
            impacts[user.id]?.firstFailure.map { "user \(user.id) failed from \(DrillRunner.ms($0))" }
        }
        let missing = expectedFailing.filter { impacts[$0.id]?.firstFailure == nil }.map { "user \($0.id)" }
        if missing.isEmpty {
            return Verdict("impact", .pass, seen.joined(separator: ", "))
        } else if let interrupted, (observeEnded ?? .infinity) > interrupted.milliseconds {
            return notReached("impact", "\(missing.joined(separator: ", ")) had not failed yet when the run stopped")
        }
        return Verdict(
            "impact", .fail,
            "expected to fail but never did: \(missing.joined(separator: ", ")) "
                + "(the fault did not hit what the drill thinks it hits)")
    }

    /// `blast_radius`: users expected unaffected never failed, from the first fault to the end of the run.
    func blastRadius() -> Verdict? {
        let unaffected = drill.users.filter { $0.impact == .none }
        guard !unaffected.isEmpty, marks.fault != nil else { return nil }
        var hurt: [String] = []
        for user in unaffected {
            guard let track = samples.users[user.id], let first = track.firstFailureSinceFault else { continue }
            hurt.append(
                "user \(user.id) failed \(track.failuresSinceFault) time(s) from \(DrillRunner.ms(first.sentAt)) (\(first.failure ?? "failed")\(first.unit.map { ", served by \($0)" } ?? ""))"
            )
        }
        let upTo = interrupted.map { " (up to the interrupt at \(DrillRunner.ms($0)))" } ?? ""
        return hurt.isEmpty
            ? Verdict(
                "blast_radius", .pass,
                "\(unaffected.map { "user \($0.id)" }.joined(separator: ", ")) never failed\(upTo)")
            : Verdict("blast_radius", .fail, hurt.joined(separator: "; "))
    }

    /// `cutover`: the control plane reported the cut-over done.
    func cutoverDone() -> Verdict? {
        guard drill.cutover != nil else { return nil }
        if let record = cutover, record.interrupted, !record.succeeded {
            return notReached("cutover", "the control plane had not reported it done")
        } else if let record = cutover {
            return record.succeeded
                ? Verdict(
                    "cutover", .pass,
                    "cut-over \(record.id ?? "") done in \(DurationText.format((record.doneAt ?? .zero) - (record.startedAt ?? .zero)))"
                )
                : Verdict("cutover", .fail, record.error ?? "the cut-over did not complete")
        } else if interrupted != nil {
            return notReached("cutover", "the cut-over was not sent")
        }
        return Verdict("cutover", .skipped, "not reached: \(stoppedEarly ?? "the run stopped earlier")")
    }

    /// `cutover_seen`: a cut-over the probes never see take effect is a failure of its own, whatever
    /// the control plane says.
    func cutoverSeen() -> Verdict? {
        guard let record = cutover, record.succeeded, let done = record.doneAt else { return nil }
        let moving = drill.users.filter { $0.recoversOn != nil }
        guard !moving.isEmpty else { return nil }
        var unseen: [String] = []
        for user in moving {
            // The stretches of the user's timeline with probes sent between done and the revert.
            let after = (samples.users[user.id]?.segments ?? []).filter { segment in
                segment.lastSent >= done && (marks.reverted.map { segment.from < $0 } ?? true)
            }
            if !after.contains(where: { $0.unit == user.recoversOn }) {
                let last = after.last?.unit ?? "nobody"
                unseen.append(
                    "user \(user.id) was never served by \(user.recoversOn ?? "-") (still \(last), \(after.reduce(0) { $0 + $1.samples }) probes)"
                )
            }
        }
        // Interrupted before the recovery's time was up: the probes might yet have seen it.
        let cutShort =
            interrupted.map { stop in
                guard let fault = marks.fault, let timeout = drill.recovery?.timeout else { return true }
                return stop - fault < timeout
            } ?? false
        if !unseen.isEmpty, cutShort {
            return notReached("cutover_seen", unseen.joined(separator: "; "))
        }
        return unseen.isEmpty
            ? Verdict("cutover_seen", .pass, "the probes saw every moved user served by its new unit")
            : Verdict(
                "cutover_seen", .fail,
                "the control plane reported the cut-over done at \(DrillRunner.ms(done)), but "
                    + unseen.joined(separator: "; "))
    }

    /// `recovery`: the users recovered within the RTO.
    func recovery() -> Verdict? {
        guard let recovery = drill.recovery, let rto else { return nil }
        if let measured = rto.measuredMs {
            let text = "RTO \(RunReport.format(measured)) against a goal of \(DurationText.format(recovery.rto))"
            return rto.met
                ? Verdict("recovery", .pass, text)
                : Verdict(
                    "recovery", .fail, "\(text): the goal was missed by \(RunReport.format(measured - rto.goalMs))")
        } else if let interrupted, let fault = marks.fault, interrupted - fault < recovery.rto {
            return notReached(
                "recovery",
                "\(DurationText.format(interrupted - fault)) after the fault, within the goal of \(DurationText.format(recovery.rto))"
            )
        } else if let interrupted, let fault = marks.fault {
            return Verdict(
                "recovery", .fail,
                "not recovered \(DurationText.format(interrupted - fault)) after the fault, when the run was interrupted: "
                    + "the goal of \(DurationText.format(recovery.rto)) was missed")
        } else if cutover == nil {
            return Verdict("recovery", .skipped, "not reached: \(stoppedEarly ?? "no cut-over")")
        } else if cutover?.succeeded == false {
            return Verdict("recovery", .fail, "not recovered: the cut-over did not complete")
        }
        let waiting = drill.users.filter {
            ($0.impact == .fail || $0.recoversOn != nil) && impacts[$0.id]?.recovered == nil
        }
        .map { user in "user \(user.id)" + (user.recoversOn.map { " on \($0)" } ?? "") }
        return Verdict(
            "recovery", .fail,
            "not recovered (\(recovery.window)) within \(DurationText.format(recovery.timeout)): \(waiting.joined(separator: ", "))"
        )
    }

    /// `rpo`: the canaries read back after the cut-over.
    func canaries() -> Verdict? {
        guard drill.rpo != nil else { return nil }
        if let rpo { return rpo.verdict }
        return interrupted != nil
            ? notReached("rpo", "the canaries were not read back")
            : Verdict("rpo", .skipped, "not measured: \(stoppedEarly ?? "the cut-over did not complete")")
    }

    /// `rollback`: every fault reverted, the routing cut back, the steady state back.
    func rollback() -> Verdict {
        var problems: [String] = []
        for record in faults where record.state.isLeftApplied {
            problems.append("fault \(record.plan.name) not reverted: \(record.revert ?? "no revert ran")")
        }
        if let cutback, let withheld = cutback.withheld {
            problems.append("cut-back withheld: \(withheld)")
        } else if let cutback, !cutback.succeeded {
            problems.append("cut-back failed: \(cutback.error ?? "")")
        }
        if rollbackCheck?.outcome == .unhealthy {
            problems.append("steady state not back: \(rollbackCheck?.problem ?? "")")
        }
        guard problems.isEmpty else { return Verdict("rollback", .fail, problems.joined(separator: "; ")) }
        let reverted = faults.filter { $0.state == .reverted }.count
        let checked =
            switch rollbackCheck?.outcome {
            case .healthy: ", steady state back"
            case .notChecked: ", steady state not checked (\(rollbackCheck?.problem ?? ""))"
            case .unhealthy, nil: ""
            }
        return Verdict(
            "rollback", .pass, "\(reverted) fault(s) reverted" + (cutback != nil ? ", routing cut back" : "") + checked)
    }
}
