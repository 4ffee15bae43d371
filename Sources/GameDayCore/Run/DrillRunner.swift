/// Runs one drill against one target through the design's phases:
/// preflight, steady state, inject, observe, cut over, verify recovery, roll back.
///
/// Faults are reverted on every way out: success, failed verdicts, errors and
/// cancellation (Ctrl-C); the rollback runs in a task that cancellation cannot reach.
public struct DrillRunner: Sendable {
    public let drill: Drill
    public let target: Target
    public let env: RunEnvironment

    public init(drill: Drill, target: Target, environment: RunEnvironment) {
        self.drill = drill
        self.target = target
        self.env = environment
    }

    /// Runs the drill and returns its result; never throws.
    public func run() async -> RunResult {
        let journal = RunJournal()
        // The wall-clock time of the clock's origin: every offset of the result counts from it.
        let startedAt = WallTime.iso8601(unixMilliseconds: env.wallClock(.zero))
        let store = SampleStore(
            users: drill.users, home: { [target] user in target.routing.unit(for: user.id) },
            recovery: drill.recovery?.window ?? .consecutive(5), guardrail: drill.guardrail,
            bucket: max(drill.probe.interval, .milliseconds(100)), reporter: env.reporter, raw: env.rawSamples)
        var engine: (any RunningProbes)?
        var canaries: CanaryWriter?
        var context: TemplateContext?
        // On the run's clock, as every wait of the run: the clock a test hands in paces it too.
        let status = env.reporter.statusInterval.map { interval in
            Task { [env] in
                while !Task.isCancelled {
                    do { try await env.clock.sleep(for: interval) } catch { break }
                    env.reporter.report(.status(store.live(now: env.clock.now(), span: .seconds(1))))
                }
            }
        }
        defer { status?.cancel() }

        do {
            let ctx = try await preflight(journal, store)
            context = ctx
            let checks = try await prepareChecks(journal, context: ctx)
            let running = env.probes.start(
                users: drill.users, prober: Prober(spec: drill.probe, transport: env.transport, context: ctx),
                clock: env.clock, sink: store)
            engine = running
            let focus = RunFocus(drill, probes: running)
            canaries = drill.rpo.map { rpo in
                CanaryWriter(
                    rpo, users: drill.canaryUsers, transport: env.transport, context: ctx,
                    unitFrom: drill.probe.unitFrom, timeout: drill.probe.timeout, clock: env.clock)
            }
            try await phases(journal, store, canaries: canaries, context: ctx, checks: checks, focus: focus)
        } catch is CancellationError {
            // Interrupted: noted below, with the moment the interrupt arrived.
        } catch let stop as RunStop {
            await journal.stop(stop.outcome, reason: stop.reason)
        } catch {
            await journal.stop(.error, reason: "\(error)")
        }
        await noteInterruption(journal)

        // The rollback must finish even when the run was cancelled.
        let rollback = Task.detached { [self, engine, context] in
            await self.rollback(journal, store, probing: engine != nil, context: context)
        }
        await rollback.value
        // An interrupt during the rollback makes the run aborted too (its reverts still finished).
        await noteInterruption(journal)
        await canaries?.stop()
        await engine?.stop()
        status?.cancel()
        await status?.value
        env.reporter.report(.archiving)
        return await RunReport(drill: drill, target: target, env: env).build(
            journal: journal, samples: store.snapshot(), startedAt: startedAt)
    }

    // MARK: - Phases

    /// The phases after preflight, in order: steady state, inject, then (once a fault is applied)
    /// observe, cut over, verify recovery and RPO, each only when the drill has it and what came
    /// before allows it, beside the guardrail checks.
    private func phases(
        _ journal: RunJournal, _ store: SampleStore, canaries: CanaryWriter?, context: TemplateContext,
        checks: MetricCheckRunner?, focus: RunFocus?
    ) async throws {
        try await steadyState(journal, store)
        try await steadyStateChecks(checks, journal)

        try await inject(journal, store, focus: focus)
        guard let faultAt = await journal.marks.fault else { return }

        do {
            try await guarded(checks) { [self] in
                try await observe(journal, store, faultAt: faultAt)
                var waited = Duration.zero
                if let cutover = drill.cutover {
                    waited = try await decide(cutover, journal, store, faultAt: faultAt, context: context)
                    // The moved users are focused until each recovers, as long as the runner waits for them.
                    // Without a recovery to wait for, nothing is measured there to focus on.
                    let recoveryDeadline = drill.recovery.map { faultAt + waited + $0.timeout }
                    try await cutOver(cutover, journal, store, context: context) { [focus] in
                        if let recoveryDeadline { focus?.cutover(until: recoveryDeadline) }
                    }
                }
                if let recovery = drill.recovery, await journal.cutover?.succeeded ?? (drill.cutover == nil) {
                    try await verifyRecovery(recovery, journal, store, faultAt: faultAt, waited: waited, checks: checks)
                }
                if let rpo = drill.rpo, let canaries, await journal.cutover?.succeeded ?? true {
                    try await measureRPO(rpo, canaries, journal, store, faultAt: faultAt, context: context)
                }
            }
        } catch {
            await guardrailVerdicts(checks, journal)
            throw error
        }
        await guardrailVerdicts(checks, journal)
    }

    /// Steady state: every user healthy, on its home unit, for the whole window; the run stops
    /// (failed, no fault applied) when one is not.
    private func steadyState(_ journal: RunJournal, _ store: SampleStore) async throws {
        let steadyFrom = try await beginBeforeHarm(.steadyState, journal, store)
        try await env.clock.sleep(for: drill.steadyState.duration)
        // A late answer is not a failure: on a starved machine, wait (bounded) until every user
        // has had at least one probe of the window answered.
        let answerDeadline = env.clock.now() + drill.probe.timeout + .seconds(5)
        while env.clock.now() < answerDeadline, !store.everyUserAnswered(since: steadyFrom) {
            try await env.clock.sleep(for: drill.probe.interval)
        }
        let steadyTo = env.clock.now()
        await journal.steadyState(from: steadyFrom, to: steadyTo)
        if let problem = store.steadyProblem(since: steadyFrom) {
            await journal.verdict(Verdict("steady_state", .fail, "\(problem); no fault was applied"))
            throw RunStop(.fail, "the steady state was not healthy: \(problem)")
        }
        await journal.verdict(
            Verdict(
                "steady_state", .pass,
                "every user healthy on its home unit for \(DurationText.format(drill.steadyState.duration))"))
    }

    /// Observe the impact, watching the blast radius: until the observe timeout, or earlier once its
    /// duration has passed and every expected failure was seen.
    private func observe(_ journal: RunJournal, _ store: SampleStore, faultAt: Duration) async throws {
        await begin(.observe, journal, store)
        while true {
            try await env.clock.sleep(for: drill.probe.interval)
            try guardBlastRadius(store)
            let elapsed = env.clock.now() - faultAt
            if elapsed >= drill.observe.timeout { break }
            if elapsed >= drill.observe.duration, store.allExpectedFailuresSeen() { break }
        }
    }

    /// Cut over: the request sent and followed to its end; with a cut-back to undo it, it is in the
    /// ledger before it is sent, and out of it again when the control plane cannot have moved anything.
    private func cutOver(
        _ cutover: CutoverSpec, _ journal: RunJournal, _ store: SampleStore, context: TemplateContext,
        sending: @escaping @Sendable () -> Void
    ) async throws {
        await begin(.cutover, journal, store)
        if drill.rollback.cutback != nil {
            try await recordCutbackTicket(journal)
        }
        let client = CutoverClient(
            transport: env.transport, commands: env.commands, clock: env.clock, redact: redactor(context),
            observe: { [env] state in env.reporter.report(.detail("cut-over state: \(state)")) }, sending: sending)
        let record = await client.execute(cutover, context: context)
        await journal.recordCutover(record)
        if !record.mayHaveMoved(cutover), let ticket = await journal.cutbackTicket {
            // The control plane refused the request (or it was never sent): there is nothing to cut back.
            await env.ledger.reverted(ticket)
        }
        try Task.checkCancellation()
        if let error = record.error {
            env.reporter.report(.problem("cut-over: \(error)"))
        } else {
            env.reporter.report(.note("cut-over \(record.id ?? "") done"))
        }
    }

    /// The cut-over's entry in the ledger, so a watchdog or `gameday recover` can cut back a run that
    /// dies after sending it; a ledger that refuses it stops the run before the request is sent.
    private func recordCutbackTicket(_ journal: RunJournal) async throws {
        do {
            await journal.cutbackTicket(
                try await env.ledger.intendCutover(
                    drill: drill.file, target: target.file, unit: drill.faultedUnit ?? ""))
        } catch {
            throw RunStop(.error, "the cut-over could not be recorded in the ledger: \(error); it was not sent")
        }
    }

    /// Verify recovery: until every user is recovered and every recovery check holds, or the
    /// recovery timeout (counted from the fault, without the `waited` for a person's decision)
    /// has passed, watching the blast radius.
    private func verifyRecovery(
        _ recovery: RecoverySpec, _ journal: RunJournal, _ store: SampleStore, faultAt: Duration, waited: Duration,
        checks: MetricCheckRunner?
    ) async throws {
        await begin(.recovery, journal, store)
        let deadline = faultAt + waited + recovery.timeout
        var held = Set<String>()
        var lastTried: [String: Duration] = [:]
        while env.clock.now() < deadline {
            try await env.clock.sleep(for: drill.probe.interval)
            try guardBlastRadius(store)
            if store.allRecovered(), await recoveryChecksHold(checks, held: &held, lastTried: &lastTried) { break }
        }
        await recoveryVerdicts(checks, journal)
    }

    /// RPO: the canaries stopped, and read back (after the grace period from the last acknowledged
    /// write) from the unit serving their users now.
    private func measureRPO(
        _ rpo: CanarySpec, _ canaries: CanaryWriter, _ journal: RunJournal, _ store: SampleStore,
        faultAt: Duration, context: TemplateContext
    ) async throws {
        await begin(.rpo, journal, store)
        let writes = await canaries.stop()
        let lastAck = writes.values.joined().filter(\.acked).map(\.answeredAt).max() ?? env.clock.now()
        try await env.clock.sleep(until: max(env.clock.now(), lastAck + rpo.grace))
        let readAt = env.clock.now()
        var present: [String: Result<Set<Int>, CanaryReadError>] = [:]
        for user in drill.canaryUsers {
            present[user.id] = await CanaryWriter.readBack(
                rpo, user: user, transport: env.transport, context: context, timeout: drill.probe.timeout)
        }
        // A read the interrupt cut short measured nothing: the RPO is not reached, never "could not be read".
        try Task.checkCancellation()
        await journal.recordRPO(
            RPORecord.measure(writes: writes, present: present, fault: faultAt, goal: rpo.goal, readAt: readAt))
    }

    // MARK: - Checks on the samples

    private func guardBlastRadius(_ store: SampleStore) throws {
        if let breach = store.blastRadiusBreach() {
            throw RunStop(.fail, "blast radius breached: \(breach); aborted and reverted")
        }
    }

    // MARK: - Helpers

    /// Starts a phase in the journal and in the sample store (timings are kept per phase), after
    /// the hooks around it (none of which can stop the run past the faults: see `beginBeforeHarm`).
    @discardableResult
    func begin(_ phase: RunPhase, _ journal: RunJournal, _ store: SampleStore) async -> Duration {
        _ = await enterHooks(phase, journal)
        return await mark(phase, journal, store)
    }

    /// Marks a phase's start in the journal and in the sample store, and reports it.
    func mark(_ phase: RunPhase, _ journal: RunJournal, _ store: SampleStore) async -> Duration {
        let at = store.beginPhase(phase, env.clock)
        await journal.begin(phase, at: at)
        env.reporter.report(.phaseStarted(phase))
        return at
    }

    /// Notes an interrupt (Ctrl-C, SIGTERM) that arrived, or a cancellation without one (a caller
    /// cancelled the run's task): the run's outcome is then aborted.
    private func noteInterruption(_ journal: RunJournal) async {
        if let first = env.interruption.first {
            await journal.interrupted(at: first)
        } else if Task.isCancelled {
            await journal.interrupted(at: env.clock.now())
        }
    }

    func redactor(_ context: TemplateContext) -> @Sendable (String) -> String {
        { context.redact($0) }
    }

    static func ms(_ duration: Duration) -> String { "+\(Int(duration.milliseconds.rounded()))ms" }
}

/// Ends the main phases early with an outcome and a reason.
struct RunStop: Error, Sendable {
    var outcome: RunOutcome
    var reason: String

    init(_ outcome: RunOutcome, _ reason: String) {
        self.outcome = outcome
        self.reason = reason
    }
}
