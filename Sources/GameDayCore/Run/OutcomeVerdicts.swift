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

    /// `impact`: every user expected to fail did. Said per user group, a few named, the rest counted.
    func impact() -> Verdict? {
        let expectedFailing = GroupedUsers(drill.users.filter { $0.impact == .fail })
        guard !expectedFailing.groups.isEmpty else { return nil }
        let missing = expectedFailing.parts { impacts[$0.id]?.firstFailure == nil }
        let missed = GroupedUsers.list(missing.map { ($0.named, $0.users.count) })
        if missing.isEmpty {
            let seen = expectedFailing.groups.map { part in
                let firsts = part.users.compactMap { impacts[$0.id]?.firstFailure }
                return ("\(part.who) failed from \(GroupedUsers.span(firsts))", part.users.count)
            }
            return Verdict("impact", .pass, GroupedUsers.list(seen))
        } else if let interrupted, (observeEnded ?? .infinity) > interrupted.milliseconds {
            return notReached("impact", "\(missed) had not failed yet when the run stopped")
        }
        return Verdict(
            "impact", .fail,
            "expected to fail but never did: \(missed) (the fault did not hit what the drill thinks it hits)")
    }

    /// `blast_radius`: users expected unaffected never failed, from the first fault to the end of the run.
    func blastRadius() -> Verdict? {
        let unaffected = GroupedUsers(drill.users.filter { $0.impact == .none })
        guard !unaffected.groups.isEmpty, marks.fault != nil else { return nil }
        let hurt = unaffected.parts { samples.users[$0.id]?.firstFailureSinceFault != nil }
        guard hurt.isEmpty else {
            return Verdict(
                "blast_radius", .fail,
                GroupedUsers.list(hurt.map { (hurtText($0), $0.users.count) }, separator: "; "))
        }
        let upTo = interrupted.map { " (up to the interrupt at \(DrillRunner.ms($0)))" } ?? ""
        let everyone = GroupedUsers.list(unaffected.groups.map { ($0.who, $0.users.count) })
        return Verdict("blast_radius", .pass, "\(everyone) never failed\(upTo)")
    }

    /// `user 50 failed 3 time(s) from +1500ms (status 503, served by beijing)`; for a larger group,
    /// its failures in all and the users that failed most.
    private func hurtText(_ part: GroupedUsers.Part) -> String {
        let tracks = part.users.compactMap { user in samples.users[user.id].map { (user, $0) } }
        let firsts = tracks.compactMap(\.1.firstFailureSinceFault)
        guard let first = firsts.min(by: { $0.sentAt < $1.sentAt }) else { return part.who }
        let why = "\(first.failure ?? "failed")\(first.unit.map { ", served by \($0)" } ?? "")"
        let total = tracks.reduce(0) { $0 + $1.1.failuresSinceFault }
        guard part.of > 1 else {
            return "\(part.who) failed \(total) time(s) from \(DrillRunner.ms(first.sentAt)) (\(why))"
        }
        let worst = tracks.sorted { $0.1.failuresSinceFault > $1.1.failuresSinceFault }
        let most = worst.prefix(GroupedUsers.shownUsers).map { "\($0.0.id) (\($0.1.failuresSinceFault))" }
        let more = worst.count > GroupedUsers.shownUsers ? " and \(worst.count - GroupedUsers.shownUsers) more" : ""
        return
            "\(part.who) failed \(total) time(s) from \(GroupedUsers.span(firsts.map(\.sentAt))) (first \(why)), "
            + "most \(most.joined(separator: ", "))\(more)"
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
        let moving = GroupedUsers(drill.users.filter { $0.recoversOn != nil })
        guard !moving.groups.isEmpty else { return nil }
        // Per user never seen served by its new unit: the unit that served it last, and its probes.
        var last: [String: (unit: String, probes: Int)] = [:]
        for user in moving.groups.flatMap(\.users) {
            // The stretches of the user's timeline with probes sent between done and the revert.
            let after = (samples.users[user.id]?.segments ?? []).filter { segment in
                segment.lastSent >= done && (marks.reverted.map { segment.from < $0 } ?? true)
            }
            if !after.contains(where: { $0.unit == user.recoversOn }) {
                last[user.id] = (after.last?.unit ?? "nobody", after.reduce(0) { $0 + $1.samples })
            }
        }
        let unseenParts = moving.parts { last[$0.id] != nil }
        let unseen = GroupedUsers.list(
            unseenParts.map { part in (unseenText(part, last: last), part.users.count) }, separator: "; ")
        // Interrupted before the recovery's time was up: the probes might yet have seen it.
        let cutShort =
            interrupted.map { stop in
                guard let fault = marks.fault, let timeout = drill.recovery?.timeout else { return true }
                return stop - fault < timeout
            } ?? false
        if !unseenParts.isEmpty, cutShort {
            return notReached("cutover_seen", unseen)
        }
        return unseenParts.isEmpty
            ? Verdict("cutover_seen", .pass, "the probes saw every moved user served by its new unit")
            : Verdict(
                "cutover_seen", .fail,
                "the control plane reported the cut-over done at \(DrillRunner.ms(done)), but " + unseen)
    }

    /// `user 6000 was never served by hangzhou (still beijing, 12 probes)`; for a larger group, the
    /// first few users named.
    private func unseenText(_ part: GroupedUsers.Part, last: [String: (unit: String, probes: Int)]) -> String {
        let destinations = Set(part.users.compactMap(\.recoversOn))
        let destination = destinations.count == 1 ? destinations.first! : "their new units"
        guard part.of > 1 else {
            let (unit, probes) = last[part.users[0].id] ?? ("nobody", 0)
            return "\(part.who) was never served by \(destination) (still \(unit), \(probes) probes)"
        }
        let units = Set(part.users.compactMap { last[$0.id]?.unit })
        let still = units.count == 1 ? "still \(units.first!): " : ""
        return "\(part.who) were never served by \(destination) (\(still)\(GroupedUsers.keys(part.users)))"
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
        let waiting = GroupedUsers(drill.users.filter { $0.impact == .fail || $0.recoversOn != nil }).parts {
            impacts[$0.id]?.recovered == nil
        }
        .map { part in
            let destinations = Set(part.users.map(\.recoversOn))
            let on = destinations.count == 1 ? destinations.first!.map { " on \($0)" } ?? "" : ""
            return (part.named + on, part.users.count)
        }
        return Verdict(
            "recovery", .fail,
            "not recovered (\(recovery.window)) within \(DurationText.format(recovery.timeout)): \(GroupedUsers.list(waiting))"
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
