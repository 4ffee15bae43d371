extension DrillRunner {
    /// Reverts every applied fault (last first) and undoes half-applied ones from their ledger
    /// recipes, cuts the routing back, then checks the steady state came back. Runs to its end
    /// whatever happened before: a pass, a failed verdict, an error or an interrupt.
    func rollback(_ journal: RunJournal, _ store: SampleStore, probing: Bool, context: TemplateContext?) async {
        await begin("rollback", journal, store)
        await journal.markRollback(env.clock.now())
        var allReverted = true
        for fault in await journal.takeAppliedForRevert() {
            let outcome: Result<String, FaultError>
            do {
                outcome = .success(try await env.faults.revert(fault, in: target))
            } catch {
                outcome = .failure(error)
                allReverted = false
                env.reporter.report(.problem("fault \(fault.spec.name) NOT reverted: \(error.message)"))
            }
            await journal.reverted(fault.spec.name, at: env.clock.now(), outcome: outcome)
            if case .success(let what) = outcome {
                if let ticket = fault.ticket { await env.ledger.reverted(ticket) }
                env.reporter.report(.note("fault \(fault.spec.name) reverted: \(what)"))
            }
        }
        for (name, ticket) in await journal.takeHalfApplied() {
            do {
                let what = try await env.ledger.undo(ticket)
                await journal.reverted(name, at: env.clock.now(), outcome: .success(what))
            } catch {
                allReverted = false
                await journal.reverted(name, at: env.clock.now(), outcome: .failure(FaultError("\(error)")))
                env.reporter.report(.problem("fault \(name) NOT undone: \(error)"))
            }
        }
        await journal.markReverted(store.markReverted(env.clock))

        if let cutback = drill.rollback.cutback, let context, await journal.cutover != nil {
            let client = CutoverClient(
                transport: env.transport, clock: env.clock, redact: redactor(context),
                observe: { [env] state in env.reporter.report(.detail("cut-back state: \(state)")) })
            let record = await client.execute(cutback, context: context)
            await journal.recordCutback(record)
            if record.succeeded, let ticket = await journal.cutbackTicket { await env.ledger.reverted(ticket) }
            if let error = record.error { env.reporter.report(.problem("cut-back: \(error)")) }
        }

        await checkSteadyStateBack(journal, store, probing: probing, allReverted: allReverted)
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
        let start = await begin("verify-rollback", journal, store)
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
