extension DrillRunner {
    /// Reverts every applied fault (last first), then the half-applied ones, each through the
    /// ledger, cuts the routing back, then checks the steady state came back. Runs to its end
    /// whatever happened before: a pass, a failed verdict, an error or an interrupt.
    func rollback(_ journal: RunJournal, _ store: SampleStore, probing: Bool, context: TemplateContext?) async {
        await begin(.rollback, journal, store)
        await journal.markRollback(env.clock.now())
        var allReverted = true
        // Applied faults last first, then those whose apply failed part-way: each through the ledger,
        // the one way back that a watchdog and `gameday recover` take too.
        let applied = await journal.takeAppliedForRevert().map { ($0.spec.name, $0.ticket) }
        for (name, ticket) in applied + (await journal.takeHalfApplied()).map({ ($0.0, Optional($0.1)) }) {
            let outcome: Result<String, FaultError>
            do {
                guard let ticket else { throw FaultError("fault \(name) has no ledger entry to revert it from") }
                outcome = .success(try await env.ledger.revert(ticket))
            } catch {
                outcome = .failure(error as? FaultError ?? FaultError("\(error)"))
            }
            await journal.reverted(name, at: env.clock.now(), outcome: outcome)
            switch outcome {
            case .success(let what): env.reporter.report(.note("fault \(name) reverted: \(what)"))
            case .failure(let error):
                allReverted = false
                env.reporter.report(.problem("fault \(name) NOT reverted: \(error.message)"))
            }
        }
        await journal.markReverted(store.markReverted(env.clock))

        if let context { await cutBack(journal, context: context, allReverted: allReverted) }
        await checkSteadyStateBack(journal, store, probing: probing, allReverted: allReverted)
    }

    /// Cuts the routing back, if the cut-over may have moved anyone (it was accepted, or no answer
    /// said otherwise; a refused one moved nobody), and only when that makes nobody worse off:
    /// never while the cut-over's own task still runs (two tasks for the same users), and never
    /// to a unit whose fault could not be reverted (its users stay where they are served). A
    /// withheld cut-back stays in the ledger for `gameday recover` to finish.
    private func cutBack(_ journal: RunJournal, context: TemplateContext, allReverted: Bool) async {
        guard let cutback = drill.rollback.cutback, let spec = drill.cutover, var cutover = await journal.cutover,
            cutover.mayHaveMoved(spec)
        else { return }
        var withheld: String?
        if !cutover.finished {
            let id = cutover.id.map { "cut-over \($0)" } ?? "the cut-over"
            env.reporter.report(.note("waiting for \(id) to finish before cutting back"))
            let client = CutoverClient(
                transport: env.transport, commands: env.commands, clock: env.clock, redact: redactor(context),
                observe: { [env] state in env.reporter.report(.detail("cut-over state: \(state)")) })
            let deadline = client.followDeadline(cutover, spec)
            switch await client.finish(&cutover, spec, context: context, until: deadline) {
            case .finished:
                await journal.recordCutover(cutover)
            case .unknown:
                // No answer said whether it was taken (a timed-out request): it may have moved
                // someone, and there is no task to wait for, so cut back.
                env.reporter.report(.note("no task of \(id) to follow: cutting back, as it may have moved someone"))
            case .running:
                let last = cutover.states.last.map { " (last state '\($0.state)')" } ?? ""
                withheld =
                    "\(id) has not finished\(last): a cut-back now would run beside it; run '\(env.recoverCommand(for: target))' once it has"
            }
        }
        if withheld == nil, !allReverted {
            let unit = drill.faultedUnit ?? "the faulted unit"
            withheld =
                "\(unit) is not healthy again (a fault could not be reverted), so its users stay where they are served; "
                + "run '\(env.recoverCommand(for: target))' once \(unit) is mended"
        }
        if let withheld {
            var record = CutoverRecord()
            record.withheld = withheld
            await journal.recordCutback(record)
            // The ledger keeps it for `gameday recover`; the cut-over's watchdog must not cut back either.
            if let ticket = await journal.cutbackTicket { await env.ledger.withhold(ticket, reason: withheld) }
            env.reporter.report(.problem("cut-back withheld: \(withheld)"))
            return
        }
        let client = CutoverClient(
            transport: env.transport, commands: env.commands, clock: env.clock, redact: redactor(context),
            observe: { [env] state in env.reporter.report(.detail("cut-back state: \(state)")) })
        let record = await client.execute(cutback, context: context)
        await journal.recordCutback(record)
        if record.succeeded, let ticket = await journal.cutbackTicket { await env.ledger.reverted(ticket) }
        if let error = record.error { env.reporter.report(.problem("cut-back: \(error)")) }
    }

    /// Checks that the steady state came back (every user healthy on its home unit for the
    /// rollback's window), after a pass, a failed verdict or an interrupt alike. Not checked when
    /// nothing was applied or cut over, when probes never ran, or when a fault is still in place
    /// (it cannot come back then, and the rollback verdict says why); a second interrupt ends it.
    private func checkSteadyStateBack(
        _ journal: RunJournal, _ store: SampleStore, probing: Bool, allReverted: Bool
    ) async {
        let faulted = await journal.marks.fault != nil
        let cutOver = await journal.cutover?.startedAt != nil
        guard faulted || cutOver else { return }
        guard probing, allReverted else {
            let why = probing ? "a fault is still applied" : "no probe ran"
            await journal.recordRollbackCheck(RollbackCheckRecord(outcome: .notChecked, problem: why))
            return
        }
        let start = await begin(.verifyRollback, journal, store)
        let deadline = start + drill.rollback.steadyState + .seconds(15)
        var problem: String? = "not checked"
        var outcome = RollbackCheckRecord.Outcome.unhealthy
        while env.clock.now() < deadline {
            if env.interruption.count >= 2 {
                outcome = .notChecked
                problem = "interrupted again before the steady state was seen back"
                break
            }
            try? await env.clock.sleep(for: min(drill.probe.interval, .milliseconds(100)))
            let now = env.clock.now()
            guard now - start >= drill.rollback.steadyState else { continue }
            problem = store.steadyProblem(since: now - drill.rollback.steadyState)
            if problem == nil {
                outcome = .healthy
                break
            }
        }
        await journal.recordRollbackCheck(
            RollbackCheckRecord(
                outcome: outcome, problem: problem, startedMs: start.milliseconds,
                endedMs: env.clock.now().milliseconds))
    }
}
