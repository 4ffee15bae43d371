/// A drill's metric checks during a run: each query rendered once, evaluated on the target's
/// Prometheus, every evaluation in the journal.
struct MetricCheckRunner: Sendable {
    struct Rendered: Sendable {
        var check: MetricCheck
        var query: String
    }

    let checks: [Rendered]
    let prometheus: PrometheusQuery
    let env: RunEnvironment
    let journal: RunJournal

    func checks(in phase: CheckPhase) -> [Rendered] { checks.filter { $0.check.applies(to: phase) } }

    /// Asks Prometheus now and judges the answer; nil when the asking was cancelled (the phases it
    /// ran beside ended), which is no evaluation at all.
    func ask(_ rendered: Rendered, in phase: CheckPhase) async -> CheckEvaluation? {
        let at = env.clock.now()
        let answer = await prometheus.evaluate(
            rendered.query, window: rendered.check.window, now: env.wallClock(at) / 1000)
        if answer == .failed(.cancelled) { return nil }
        return CheckEvaluation.judge(answer, of: rendered.check, phase: phase, at: at)
    }

    /// Evaluates one check now, and records it; nil when cancelled.
    func evaluate(_ rendered: Rendered, in phase: CheckPhase) async -> CheckEvaluation? {
        guard let evaluation = await ask(rendered, in: phase) else { return nil }
        await journal.checkEvaluated(rendered.check.name, evaluation)
        env.reporter.report(
            .detail(
                "check \(rendered.check.name) (\(phase.rawValue)): \(evaluation.status.rawValue), \(evaluation.detail)")
        )
        return evaluation
    }

    /// The guardrails, evaluated every `every` (each its own) until cancelled; throws at the first
    /// breach, which ends the phases it runs beside so that the faults are reverted.
    func watchGuardrails() async throws {
        let guardrails = checks(in: .guardrail)
        var next = guardrails.map { _ in env.clock.now() }
        while true {
            let soonest = next.min()!
            if soonest > env.clock.now() { try await env.clock.sleep(until: soonest) }
            try Task.checkCancellation()
            for index in guardrails.indices where next[index] <= env.clock.now() {
                let rendered = guardrails[index]
                guard let evaluation = await evaluate(rendered, in: .guardrail) else { throw CancellationError() }
                next[index] = next[index] + rendered.check.every
                if evaluation.counts == .fail {
                    throw RunStop(
                        .fail,
                        "guardrail check \(rendered.check.name) breached at \(DrillRunner.ms(.milliseconds(evaluation.atMs))): "
                            + "\(evaluation.detail); aborted and reverted")
                }
            }
        }
    }
}

extension DrillRunner {
    /// The drill's checks made ready in preflight: the credentials read, every query rendered, and
    /// each evaluated once, so that an unreachable Prometheus, refused credentials or a query that
    /// does not parse stop the run before any harm. Nil when the drill has no checks.
    func prepareChecks(_ journal: RunJournal, context: TemplateContext) async throws -> MetricCheckRunner? {
        guard !drill.checks.isEmpty else { return nil }
        guard let target = target.prometheus else {
            throw RunStop(.error, "the drill has checks and the target names no 'prometheus'; nothing was applied")
        }
        let prometheus: PrometheusQuery
        do {
            prometheus = try PrometheusQuery(
                target: target, transport: env.transport, environment: env.environment, files: env.files)
        } catch {
            throw RunStop(.error, "\(error.message); nothing was applied")
        }
        var rendered: [MetricCheckRunner.Rendered] = []
        for check in drill.checks {
            do {
                rendered.append(.init(check: check, query: try check.query.render(context).value))
            } catch {
                throw RunStop(.error, "check \(check.name)'s query cannot be rendered: \(error); nothing was applied")
            }
        }
        let runner = MetricCheckRunner(checks: rendered, prometheus: prometheus, env: env, journal: journal)
        for one in rendered {
            await journal.declareCheck(CheckRecord(one.check, query: one.query))
        }
        // Each asked once now (not recorded: no phase of the drill has begun): what cannot be
        // answered stops the run here.
        for one in rendered {
            try Task.checkCancellation()
            guard let now = await runner.ask(one, in: one.check.phases[0]) else { throw CancellationError() }
            if now.status == .error {
                throw RunStop(.error, "check \(one.check.name): \(now.detail); nothing was applied")
            }
            env.reporter.report(
                .note("check \(one.check.name): \(one.query) — now \(now.status.rawValue): \(now.detail)"))
        }
        return runner
    }

    /// The steady state's checks: each must hold now, or the run stops before any fault.
    func steadyStateChecks(_ checks: MetricCheckRunner?, _ journal: RunJournal) async throws {
        guard let checks else { return }
        for rendered in checks.checks(in: .steadyState) {
            guard let evaluation = await checks.evaluate(rendered, in: .steadyState) else { throw CancellationError() }
            let name = Self.verdictName(rendered.check, .steadyState)
            await journal.verdict(Verdict(name, evaluation.counts, evaluation.detail))
            if evaluation.counts == .fail {
                throw RunStop(
                    .fail,
                    "the steady state was not healthy: check \(rendered.check.name): \(evaluation.detail); no fault was applied"
                )
            }
        }
    }

    /// Runs `phases` beside the guardrail checks: the first breach ends them at once.
    func guarded(_ checks: MetricCheckRunner?, _ phases: @escaping @Sendable () async throws -> Void) async throws {
        guard let checks, !checks.checks(in: .guardrail).isEmpty else {
            try await phases()
            return
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await phases() }
            group.addTask { try await checks.watchGuardrails() }
            defer { group.cancelAll() }
            // The phases end (or a guardrail throws): either way the other is cancelled.
            try await group.next()
        }
    }

    /// The verdicts of the guardrails, once the faults are reverted: held, or breached (the stop's
    /// reason tells when).
    func guardrailVerdicts(_ checks: MetricCheckRunner?, _ journal: RunJournal) async {
        guard let checks else { return }
        let records = await journal.checks
        for rendered in checks.checks(in: .guardrail) {
            let evaluations =
                records.first { $0.name == rendered.check.name }?.evaluations.filter {
                    $0.phase == .guardrail
                } ?? []
            let name = Self.verdictName(rendered.check, .guardrail)
            if let breach = evaluations.first(where: { $0.counts == .fail }) {
                await journal.verdict(
                    Verdict(name, .fail, "breached at \(Self.ms(.milliseconds(breach.atMs))): \(breach.detail)"))
            } else if evaluations.isEmpty {
                await journal.verdict(Verdict(name, .skipped, "never evaluated: no fault stayed applied long enough"))
            } else {
                let counted = evaluations.filter { $0.counts == .pass }.count
                await journal.verdict(
                    Verdict(
                        name, .pass,
                        "held in \(counted) of \(evaluations.count) evaluations every \(DurationText.format(rendered.check.every))"
                    ))
            }
        }
    }

    /// The recovery checks not yet held: each evaluated (at most every `every`) until it holds.
    /// Returns whether all have held.
    func recoveryChecksHold(
        _ checks: MetricCheckRunner?, held: inout Set<String>, lastTried: inout [String: Duration]
    ) async -> Bool {
        guard let checks else { return true }
        for rendered in checks.checks(in: .recovery) where !held.contains(rendered.check.name) {
            if let last = lastTried[rendered.check.name], env.clock.now() - last < rendered.check.every { continue }
            lastTried[rendered.check.name] = env.clock.now()
            // Cancelled: the loop around ends with the run.
            guard let evaluation = await checks.evaluate(rendered, in: .recovery) else { return false }
            if evaluation.counts != .fail { held.insert(rendered.check.name) }
        }
        return checks.checks(in: .recovery).allSatisfy { held.contains($0.check.name) }
    }

    /// One verdict per recovery check: held (when), or not within the recovery timeout.
    func recoveryVerdicts(_ checks: MetricCheckRunner?, _ journal: RunJournal) async {
        guard let checks else { return }
        let records = await journal.checks
        for rendered in checks.checks(in: .recovery) {
            let evaluations =
                records.first { $0.name == rendered.check.name }?.evaluations.filter { $0.phase == .recovery } ?? []
            let name = Self.verdictName(rendered.check, .recovery)
            if let held = evaluations.first(where: { $0.counts != .fail }) {
                await journal.verdict(
                    Verdict(
                        name, held.counts, "held at \(Self.ms(.milliseconds(held.atMs))): \(held.detail)"))
            } else if let last = evaluations.last {
                await journal.verdict(
                    Verdict(name, .fail, "did not hold within the recovery timeout; last: \(last.detail)"))
            } else {
                await journal.verdict(Verdict(name, .fail, "never evaluated: the recovery phase ended first"))
            }
        }
    }

    static func verdictName(_ check: MetricCheck, _ phase: CheckPhase) -> String {
        "check \(check.name) \(phase.rawValue)"
    }
}
