import Foundation
import GameDayCore

/// The hooks and notifications of one run, around its phases (`RunHooks`): as a phase starts,
/// the hooks after the one that ended, then those before it (the target's first, then the
/// drill's), each once; the webhooks hear of the start, an early stop, the cut-over and the end.
public actor PhaseHooks: RunHooks {
    /// A hook and the file that declares it.
    private struct Declared: Sendable {
        var hook: Hook
        var source: String
        var logName: String
    }

    private let drill: Drill
    private let target: Target
    private let runId: String
    private let hooks: [Declared]
    private let runner: HookRunner
    private let notifier: WebhookNotifier
    private let context: TemplateContext
    private let clock: any RunClock
    private let say: @Sendable (String) -> Void
    /// The phase the run is in, once its hooks let it start.
    private var current: RunPhase?
    private var ran = Set<String>()
    private var records: [HookRecord] = []
    private var cutoverTold = false
    private var abortTold = false

    /// - Parameters:
    ///   - archive: the run's archive directory, for the hooks' logs and the end notification.
    ///   - webhooks: the target's `notify:` and `--notify`'s.
    ///   - say: warnings (a hook or a webhook that failed) and notes, for stderr.
    public init(
        drill: Drill, target: Target, runId: String, archive: String?, webhooks: [Webhook],
        transport: any HTTPTransport, clock: any RunClock, environment: @escaping @Sendable (String) -> String?,
        files: any FileSystem, say: @escaping @Sendable (String) -> Void
    ) {
        self.drill = drill
        self.target = target
        self.runId = runId
        self.clock = clock
        self.say = say
        let destinations = WebhookNotifier.destinations(webhooks, environment: environment, files: files)
        notifier = WebhookNotifier(destinations: destinations, transport: transport, warn: say)
        // No token: a hook gets the run's values, never the control plane's credentials.
        context = TemplateContext.run(drill: drill, target: target, runId: runId, token: nil, environment: environment)
        let secrets = destinations.compactMap(\.url)
        let context = context
        runner = HookRunner(
            archive: archive,
            environment: [
                "GAMEDAY_RUN_ID": runId, "GAMEDAY_DRILL": drill.name, "GAMEDAY_TARGET": target.name,
                "GAMEDAY_ARCHIVE": archive ?? "",
            ],
            redact: { text in secrets.reduce(context.redact(text)) { $0.replacing($1, with: RenderedString.mask) } })
        var names = Set<String>()
        hooks = [(target.hooks, "target"), (drill.hooks, "drill")].flatMap { hooks, source in
            hooks.map { hook in
                // A drill's hook may share its name with a target's: each keeps a log of its own.
                let logName = names.insert(hook.name).inserted ? hook.name : "\(source)-\(hook.name)"
                names.insert(logName)
                return Declared(hook: hook, source: source, logName: logName)
            }
        }
    }

    // MARK: - Around the phases

    public func entering(_ phase: RunPhase, _ entry: PhaseEntry) async -> HookStop? {
        if phase == .preflight, current == nil { await notify(.start, phase: phase) }
        if phase != .cutover, let cutover = entry.cutover, !cutoverTold {
            cutoverTold = true
            let reason = cutover.error ?? cutover.id.map { "cut-over \($0)" }
            await notify(cutover.succeeded ? .cutoverDone : .cutoverFailed, phase: .cutover, reason: reason)
        }
        if phase == .rollback, let reason = entry.stopReason, !abortTold {
            abortTold = true
            await notify(.abort, phase: current ?? phase, reason: reason)
        }
        if phase == .cutover { await notify(.cutoverSent, phase: phase) }

        if let previous = current, let stop = await runHooks(.after(previous), phase: previous, at: entry.at) {
            return stop
        }
        if let stop = await runHooks(.before(phase), phase: phase, at: entry.at) { return stop }
        current = phase
        return nil
    }

    /// Once the runner is done: the hooks after its last phase and after the run (with its
    /// outcome), the end notification, and every delivery awaited; records them in `result`.
    public func finish(_ result: inout RunResult, archive: String?) async {
        let now = clock.now()
        if let last = current { _ = await runHooks(.after(last), phase: last, at: now) }
        _ = await runHooks(.afterRun, phase: nil, at: now, outcome: result.outcome)
        await notify(
            .end, phase: current, outcome: result.outcome, rtoMs: result.rto?.measuredMs, archive: archive,
            reason: result.reason)
        result.hooks = records
        result.notifications = await notifier.finish()
    }

    // MARK: - Hooks

    /// Runs the hooks of `moment` not run yet, in order; stops at the first with `on_failure:
    /// abort` that fails, and returns why.
    private func runHooks(
        _ moment: Hook.Moment, phase: RunPhase?, at: Duration, outcome: RunOutcome? = nil
    ) async -> HookStop? {
        for declared in hooks where declared.hook.moment == moment && !ran.contains(declared.logName) {
            ran.insert(declared.logName)
            let hook = declared.hook
            var extra = ["GAMEDAY_PHASE": phase.map(Hook.Moment.word) ?? "run"]
            if let outcome { extra["GAMEDAY_OUTCOME"] = outcome.rawValue }
            let started = clock.now()
            let ending = await runner.run(hook, logName: declared.logName, context: context, extra: extra)
            let duration = clock.now() - started
            records.append(
                HookRecord(
                    name: hook.name, moment: "\(moment)", source: declared.source, argv: ending.argv,
                    outcome: ending.outcome, exitCode: ending.exitCode, error: ending.failure,
                    onFailure: hook.onFailure, startedMs: started.milliseconds, durationMs: duration.milliseconds,
                    log: ending.log))
            guard let failure = ending.failure else {
                say("note: hook \(hook.name) (\(moment)) done in \(DurationText.format(duration))")
                continue
            }
            if hook.onFailure == .abort { return HookStop(hook: hook.name, failure: failure) }
            say("warning: hook \(hook.name) (\(moment)) failed: \(failure); the run goes on")
        }
        return nil
    }

    // MARK: - Notifications

    private func notify(
        _ event: RunNotification.Event, phase: RunPhase?, outcome: RunOutcome? = nil, rtoMs: Double? = nil,
        archive: String? = nil, reason: String? = nil
    ) async {
        await notifier.post(
            RunNotification(
                event: event, drill: drill.name, target: target.name, runId: runId, phase: phase.map(Hook.Moment.word),
                outcome: outcome, rtoMs: rtoMs, archive: archive, reason: reason,
                at: WallTime.iso8601(Date())))
    }
}
