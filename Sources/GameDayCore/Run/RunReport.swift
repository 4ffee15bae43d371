/// Turns what the run recorded into verdicts and the archived result.
struct RunReport {
    let drill: Drill
    let target: Target
    let env: RunEnvironment

    func build(journal: RunJournal, samples: SampleSnapshot, startedAt: String) async -> RunResult {
        let end = env.clock.now()
        await journal.end(at: end)
        let marks = await journal.marks
        var verdicts = await journal.verdicts

        // Per user: impact from the first fault until the faults were reverted (folded as samples came).
        var impacts: [String: UserImpact] = [:]
        if marks.fault != nil {
            for user in drill.users { impacts[user.id] = samples.users[user.id]?.impact ?? UserImpact() }
        }
        // The design's timeline: each moment is when the last impacted user reached it.
        let moments = RecoveryMoments(drill.users, impacts: impacts)
        var timeline = TimelineRecord()
        timeline.fault = moment(marks.fault)
        timeline.detect = moment(moments.detect, observed: moments.detectObserved)
        timeline.cutoverStart = moment(marks.cutoverStart)
        timeline.cutoverDone = moment(marks.cutoverDone)
        timeline.firstOk = moment(moments.firstOk)
        timeline.recovered = moment(moments.recovered, observed: moments.recoveredObserved)
        timeline.confirmed = moment(moments.confirmed)
        timeline.reverted = moment(marks.reverted)
        let decision = await journal.decision
        let rto = rtoRecord(moments, marks: marks, cutoverSteps: (await journal.cutover)?.steps, decision: decision)

        let faults = (await journal.faultRecords).values.sorted {
            ($0.appliedMs ?? .infinity, $0.plan.name) < ($1.appliedMs ?? .infinity, $1.plan.name)
        }
        let reached = marks.fault != nil
        if reached {
            verdicts += await OutcomeVerdicts(
                drill: drill, journal: journal, impacts: impacts, samples: samples, rto: rto, marks: marks,
                faults: faults
            ).all
        }

        let users = drill.users.map { user in
            userRecord(user, samples: samples.users[user.id], impact: impacts[user.id], marks: marks)
        }
        let groups = groupRecords(samples, impacts: impacts, marks: marks, decision: decision)

        var outcome: RunOutcome = verdicts.contains { $0.status == .fail } ? .fail : .pass
        if let forced = await journal.outcomeOverride, forced != .fail { outcome = forced }
        if outcome == .pass, !reached { outcome = .error }
        var reason = await journal.reason
        if reason == nil, outcome == .fail {
            reason = verdicts.filter { $0.status == .fail }.map { "\($0.name): \($0.message)" }.joined(separator: "; ")
        }

        let interruption = await journal.interruption
        if interruption != nil {
            let after = Self.afterInterrupt(faults, recover: env.recoverCommand(for: target))
            reason = reason.map { "\($0); \(after)" }
        }
        return RunResult(
            runId: env.runId, drill: .init(name: drill.name, file: drill.file),
            target: .init(name: target.name, file: target.file),
            startedAt: startedAt, endedAt: WallTime.iso8601(unixMilliseconds: env.wallClock(end)),
            durationMs: end.milliseconds, outcome: outcome, exitCode: outcome.exitCode, reason: reason,
            verdicts: verdicts, phases: await journal.phases, timeline: timeline, rto: rto, users: users,
            faults: faults, cutover: (await journal.cutover).map(CutoverArchive.init),
            cutback: (await journal.cutback).map(CutoverArchive.init),
            probeIntervalMs: drill.probe.interval.milliseconds, probes: probeCount(samples), groups: groups,
            rpo: await journal.rpo,
            inject: Self.inject(faults, phases: await journal.phases), rollbackCheck: await journal.rollbackCheck,
            interruptedMs: interruption?.at.milliseconds, checks: await journal.checks, decision: decision)
    }

    /// What the rollback did after an interrupt, from the faults' final states: a revert that
    /// failed after the interrupt is not "reverted".
    static func afterInterrupt(_ faults: [FaultRecord], recover: RecoverCommand) -> String {
        let left = faults.filter(\.state.isLeftApplied).map(\.plan.name)
        guard left.isEmpty else {
            return "\(left.joined(separator: ", ")) NOT reverted before exiting: run '\(recover)' to finish"
        }
        return faults.contains { $0.state == .reverted }
            ? "every fault was reverted before exiting" : "no fault had been applied"
    }

    /// Every probe of the run, and those sent at the focus interval.
    private func probeCount(_ samples: SampleSnapshot) -> ProbeCountRecord {
        let users = samples.users.values
        return ProbeCountRecord(
            sent: users.reduce(0) { $0 + $1.samples }, focused: users.reduce(0) { $0 + $1.focused },
            focusIntervalMs: drill.probe.fineInterval?.milliseconds, focusedUsers: users.count { $0.focused > 0 })
    }

    /// The preparation before the first fault took effect, its effecting action, and the proofs.
    static func inject(_ faults: [FaultRecord], phases: [PhaseRecord]) -> InjectRecord? {
        guard let first = faults.first, let at = first.appliedMs,
            let start = phases.first(where: { $0.name == .inject })?.startedMs
        else { return nil }
        let proven = faults.compactMap(\.provenMs).max()
        // Differences of millisecond values kept to the microsecond, as every duration in the result.
        func micro(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        return InjectRecord(
            prepareMs: micro(at - start), effectMs: first.effectMs, proveMs: proven.map { micro($0 - at) })
    }

    private func userRecord(_ user: TestUser, samples: SampleSnapshot.User?, impact: UserImpact?, marks: TimelineMarks)
        -> UserRecord
    {
        // Every sample of a segment shares its unit: the segment that holds the last such sample tells it.
        let segments = samples?.segments ?? []
        let before =
            marks.fault.map { fault in segments.last { $0.from < fault && $0.ok }?.unit } ?? segments.last?.unit
        let after = marks.reverted.map { end in segments.last { $0.from < end }?.unit } ?? segments.last?.unit
        return UserRecord(
            id: user.id, name: user.name, home: user.home ?? target.routing.unit(for: user.id),
            expectedImpact: user.impact.rawValue,
            recoversOn: user.recoversOn, servedBefore: before ?? nil, servedAfter: after ?? nil,
            impacted: (impact?.failures ?? 0) > 0, failures: impact?.failures ?? 0,
            samplesDuringFault: impact?.samples ?? 0,
            samples: samples?.samples ?? 0, skipped: samples?.skipped ?? 0,
            firstFailureMs: impact?.firstFailure?.milliseconds,
            firstOkMs: impact?.firstOk?.milliseconds,
            recoveredMs: impact?.recovered?.milliseconds, confirmedMs: impact?.confirmed?.milliseconds,
            timeline: segments,
            timelineTruncatedSamples: (samples?.truncatedSamples ?? 0) > 0 ? samples?.truncatedSamples : nil,
            failuresSinceFault: user.impact == .none && marks.fault != nil ? samples?.failuresSinceFault ?? 0 : nil,
            firstFailureSinceFaultMs: user.impact == .none
                ? marks.fault.flatMap { fault in
                    samples?.firstFailureSinceFault.map { ($0.sentAt - fault).milliseconds }
                } : nil,
            shard: target.routing.overrides[user.id] == nil
                ? target.routing.entry(for: user.id).destination?.shard : nil)
    }

    /// The RTO goal, and the measurement with its breakdown when the users recovered.
    private func rtoRecord(
        _ moments: RecoveryMoments, marks: TimelineMarks, cutoverSteps: [CutoverStepRecord]? = nil,
        decision: CutoverDecisionRecord?
    ) -> RTORecord? {
        guard let recovery = drill.recovery else { return nil }
        var record = RTORecord(goalMs: recovery.rto.milliseconds, met: false, window: recovery.window.description)
        if let fault = marks.fault, let recovered = moments.recovered {
            let breakdown = RTOBreakdown.measure(
                fault: fault, detect: moments.detect, cutoverStart: marks.cutoverStart,
                cutoverDone: marks.cutoverDone, recovered: recovered)
            record.measuredMs = breakdown.measured.milliseconds
            record.met = breakdown.measured <= recovery.rto
            record.detectMs = breakdown.detect?.milliseconds
            record.decideMs = breakdown.decide?.milliseconds
            record.switchMs = breakdown.switchOver?.milliseconds
            record.convergeMs = breakdown.converge?.milliseconds
            if record.decideMs != nil {
                record.decidedBy = decision?.decidedBy ?? .runner
                record.decisionWaitMs = decision?.waitedMs
            }
            if let steps = cutoverSteps, !steps.isEmpty {
                var split = breakdown
                split.split(
                    among: steps.map { ($0.name, $0.call.startedAt, $0.call.doneAt) }, cutoverStart: marks.cutoverStart)
                record.switchSteps = split.switchSteps.map { .init(name: $0.name, ms: $0.time.milliseconds) }
            }
        }
        return record
    }

    /// One record per user group: its users, impact, timeline moments, RTO, success over time and
    /// timings per phase.
    private func groupRecords(
        _ samples: SampleSnapshot, impacts: [String: UserImpact], marks: TimelineMarks,
        decision: CutoverDecisionRecord?
    ) -> [GroupRecord] {
        samples.groups.map { group in
            let members = drill.users.filter { $0.groupName == group.name }
            let moments = RecoveryMoments(members, impacts: impacts)
            let expected = Set(members.map(\.impact.rawValue))
            let recoversOn = Set(members.map(\.recoversOn))
            let tracks = members.compactMap { samples.users[$0.id] }
            return GroupRecord(
                name: group.name, users: members.map(\.id),
                expectedImpact: expected.count == 1 ? expected.first! : "mixed",
                recoversOn: recoversOn.count == 1 ? recoversOn.first! : nil,
                impacted: members.count { (impacts[$0.id]?.failures ?? 0) > 0 },
                failures: members.reduce(0) { $0 + (impacts[$1.id]?.failures ?? 0) },
                samples: tracks.reduce(0) { $0 + $1.samples }, skipped: tracks.reduce(0) { $0 + $1.skipped },
                detectMs: moments.detect?.milliseconds, firstOkMs: moments.firstOk?.milliseconds,
                recoveredMs: moments.recovered?.milliseconds, confirmedMs: moments.confirmed?.milliseconds,
                rto: moments.recovered == nil ? nil : rtoRecord(moments, marks: marks, decision: decision),
                bucketMs: samples.bucketMs, buckets: group.buckets, timings: group.timings)
        }
    }

    /// A moment of the timeline with its wall-clock time, and when a probe marks it (detect,
    /// recovered: when it was sent) the time its answer was observed.
    private func moment(_ offset: Duration?, observed: Duration? = nil) -> TimelineMoment? {
        offset.map { offset in
            let unix = env.wallClock(offset)
            return TimelineMoment(
                ms: offset.milliseconds, at: WallTime.iso8601(unixMilliseconds: unix), unixMs: unix,
                observedMs: observed?.milliseconds,
                observedAt: observed.map { WallTime.iso8601(unixMilliseconds: env.wallClock($0)) })
        }
    }

    static func format(_ ms: Double) -> String { DurationText.format(.milliseconds(ms)) }
}

/// The recovery moments of a set of users (the whole drill, or one group): detect is the first
/// failure of any of them; first success, recovery and confirmation are when the last one got there.
struct RecoveryMoments {
    var detect: Duration?
    /// When the probe that marks `detect` was answered (or failed).
    var detectObserved: Duration?
    var firstOk: Duration?
    var recovered: Duration?
    /// When the probe that marks `recovered` was answered.
    var recoveredObserved: Duration?
    var confirmed: Duration?

    init(_ users: [TestUser], impacts: [String: UserImpact]) {
        let recovering = users.filter { $0.impact == .fail || $0.recoversOn != nil }
        let impacted = recovering.compactMap { user in impacts[user.id].flatMap { $0.firstFailure == nil ? nil : $0 } }
        let first = impacted.min { ($0.firstFailure ?? .zero) < ($1.firstFailure ?? .zero) }
        detect = first?.firstFailure
        detectObserved = first?.firstFailureObserved
        if impacted.allSatisfy({ $0.firstOk != nil }) { firstOk = impacted.compactMap(\.firstOk).max() }
        guard !impacted.isEmpty, impacted.allSatisfy({ $0.recovered != nil }) else { return }
        let last = impacted.max { ($0.recovered ?? .zero) < ($1.recovered ?? .zero) }
        recovered = last?.recovered
        recoveredObserved = last?.recoveredObserved
        confirmed = impacted.compactMap(\.confirmed).max()
    }
}
