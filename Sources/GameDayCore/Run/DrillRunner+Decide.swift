extension DrillRunner {
    /// Preflight: a cut-over that waits for a decision needs a source that can give one (a
    /// terminal to ask, a port to listen on). Returns how to answer, in words; nil for `auto`.
    func prepareDecision() async throws -> String? {
        guard let trigger = drill.cutover?.trigger, trigger.waits else { return nil }
        let mode = trigger.mode.rawValue
        guard let source = env.decisions else {
            throw RunStop(
                .error,
                "the cut-over's trigger is '\(mode)', but this run has no way to ask for the decision; nothing was applied"
            )
        }
        do {
            return try await source.prepare(trigger)
        } catch {
            throw RunStop(.error, "the cut-over's trigger is '\(mode)', but \(error.reason); nothing was applied")
        }
    }

    /// Decide: with a `prompt` or `external` trigger, show what was detected and wait for a go or
    /// an abort, at most the trigger's timeout; probes, guardrail checks and the blast radius go
    /// on meanwhile. An abort or no answer in time stops the run, aborted (everything reverted).
    /// Returns how long it waited (zero when the runner decides).
    func decide(
        _ cutover: CutoverSpec, _ journal: RunJournal, _ store: SampleStore, faultAt: Duration,
        context: TemplateContext
    ) async throws -> Duration {
        let trigger = cutover.trigger
        guard trigger.waits, let source = env.decisions else { return .zero }
        let askedAt = await begin(.decide, journal, store)
        let question = self.question(cutover, store, askedAt: askedAt, faultAt: faultAt, context: context)
        env.reporter.report(
            .note(
                "waiting for the cut-over decision (trigger \(trigger.mode.rawValue), at most "
                    + "\(DurationText.format(trigger.timeout)); Ctrl-C aborts and reverts)"))
        func record(_ answer: CutoverDecisionRecord.Answer, _ decision: CutoverDecision?) async -> Duration {
            let now = env.clock.now()
            await journal.recordDecision(
                CutoverDecisionRecord(
                    trigger: trigger.mode.rawValue, answer: answer, decidedBy: decision?.decidedBy, via: decision?.via,
                    who: decision?.who, askedMs: askedAt.milliseconds,
                    answeredMs: decision.map { _ in now.milliseconds },
                    waitedMs: (now - askedAt).milliseconds, timeoutMs: trigger.timeout.milliseconds))
            return now - askedAt
        }
        let ending: DecisionWait
        do {
            ending = try await wait(for: question, from: source, timeout: trigger.timeout, store)
        } catch {
            _ = await record(.stopped, nil)
            throw error
        }
        switch ending {
        case .answered(let decision) where decision.go:
            let waited = await record(.go, decision)
            env.reporter.report(
                .note("cut-over confirmed by \(Self.words(decision)) after \(DurationText.format(waited))"))
            return waited
        case .answered(let decision):
            let waited = await record(.abort, decision)
            throw RunStop(
                .aborted,
                "\(Self.declined(decision)) after \(DurationText.format(waited)) of waiting; aborted and reverted")
        case .timedOut:
            _ = await record(.timeout, nil)
            throw RunStop(
                .aborted,
                "no decision on the cut-over within its trigger_timeout of \(DurationText.format(trigger.timeout)); "
                    + "aborted and reverted")
        case .breached(let breach):
            _ = await record(.stopped, nil)
            throw RunStop(
                .fail, "blast radius breached while waiting for the cut-over decision: \(breach); aborted and reverted")
        }
    }

    // MARK: - Waiting

    private enum DecisionWait: Sendable {
        case answered(CutoverDecision)
        case timedOut
        case breached(String)
    }

    /// The first of: the answer, the timeout, a breach of the blast radius.
    private func wait(
        for question: CutoverQuestion, from source: any CutoverDecisionSource, timeout: Duration, _ store: SampleStore
    ) async throws -> DecisionWait {
        try await withThrowingTaskGroup(of: DecisionWait.self) { [env, drill] group in
            group.addTask { .answered(try await source.decide(question)) }
            group.addTask {
                try await env.clock.sleep(for: timeout)
                return .timedOut
            }
            group.addTask {
                while true {
                    try await env.clock.sleep(for: drill.probe.interval)
                    if let breach = store.blastRadiusBreach() { return .breached(breach) }
                }
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    // MARK: - The question

    /// Who fails since when, the faulted unit, and what the cut-over will send.
    private func question(
        _ cutover: CutoverSpec, _ store: SampleStore, askedAt: Duration, faultAt: Duration, context: TemplateContext
    ) -> CutoverQuestion {
        let snapshot = store.snapshot()
        var failing: [CutoverQuestion.FailingUser] = []
        for user in drill.users {
            guard let impact = snapshot.users[user.id]?.impact, let first = impact.firstFailure else { continue }
            failing.append(
                CutoverQuestion.FailingUser(
                    id: user.id, name: user.name, home: user.home ?? target.routing.unit(for: user.id),
                    since: first - faultAt, failures: impact.failures, samples: impact.samples))
        }
        failing.sort { ($0.since, $0.id) < ($1.since, $1.id) }
        return CutoverQuestion(
            runId: env.runId, drill: drill.name, trigger: cutover.trigger, faultedUnit: drill.faultedUnit,
            failing: failing, healthy: drill.users.count - failing.count, actions: actions(cutover, context: context),
            askedAt: askedAt, faultAt: faultAt)
    }

    /// `POST http://…/cutover`, or one line per step; then where shards move. Secrets redacted.
    private func actions(_ cutover: CutoverSpec, context: TemplateContext) -> [String] {
        func call(_ call: ControlPlaneCall) -> String {
            switch call {
            case .request(let template):
                guard let rendered = try? RenderedRequest(template, context: context, timeout: drill.probe.timeout)
                else { return "\(template.method) \(template.url)" }
                return "\(rendered.display.method) \(rendered.display.url)"
            case .command(let template):
                guard let rendered = try? RenderedCommand(template, context: context) else { return "run a command" }
                return "run " + RenderedCommand.summary(rendered.display)
            }
        }
        var lines =
            cutover.stepwise
            ? cutover.steps.enumerated().map { "step \($0 + 1) \($1.name): \(call($1.action.call))" }
            : cutover.steps.map { call($0.action.call) }
        let moves = drill.shardMoves(under: target.routing)
        for shard in moves.keys.sorted() { lines.append("move shard \(shard) to \(moves[shard]!)") }
        let destinations = Set(drill.users.compactMap(\.recoversOn)).sorted()
        if !destinations.isEmpty, moves.isEmpty {
            lines.append("move the impacted users to \(destinations.joined(separator: ", "))")
        }
        return lines
    }

    // MARK: - Words

    /// `the operator (the terminal)`, `external (POST http://127.0.0.1:8787/cutover, by alice)`.
    static func words(_ decision: CutoverDecision) -> String {
        "\(decision.decidedBy == .operator ? "the operator" : decision.decidedBy.rawValue) (\(decision.via)"
            + (decision.who.map { ", by \($0)" } ?? "") + ")"
    }

    /// `the operator declined the cut-over (the terminal)`.
    static func declined(_ decision: CutoverDecision) -> String {
        let how = "(\(decision.via)" + (decision.who.map { ", by \($0)" } ?? "") + ")"
        switch decision.decidedBy {
        case .operator: return "the operator declined the cut-over \(how)"
        case .external, .runner: return "the cut-over was declined \(how)"
        }
    }
}
