import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

/// A game day and its drills, loaded and checked against the target: every problem of every file
/// before anything runs.
struct LoadedGameDay {
    var plan: GameDayPlan
    var drills: [Drill]
    var target: Target
    /// Each drill's variables: the command line's, the game day's, the entry's.
    var variables: [Variables]

    /// Loads the game day, its drills and the target; prints every diagnostic and throws `ExitCode(2)`
    /// when any is an error.
    static func load(_ options: DrillFileOptions) throws -> LoadedGameDay {
        let given = options.variables.load()
        var diagnostics = given.diagnostics
        var targetUsage = VariableUsage()
        var target: Target?
        do {
            target = try DrillLoader.loadTarget(
                path: options.target, variables: given.variables, usage: &targetUsage)
        } catch {
            diagnostics += error.diagnostics
        }
        var loaded: (plan: GameDayPlan?, drills: [Drill], diagnostics: [Diagnostic]) = (nil, [], [])
        if let target {
            diagnostics += PodService.problems(in: target)
            loaded = DrillLoader.loadGameDay(
                path: options.drill, target: target, variables: given.variables, usage: &targetUsage,
                from: LocalFileSystem())
            diagnostics += loaded.diagnostics + given.variables.unused(targetUsage)
        }
        for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        guard errors == 0, let target, let plan = loaded.plan, loaded.drills.count == plan.entries.count else {
            Terminal.err("gameday: \(max(errors, 1)) error\(errors == 1 ? "" : "s"); nothing was run")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        let variables = plan.entries.map { entry in
            var all = given.variables
            for variable in plan.variables + entry.variables { all.add(variable) }
            return all
        }
        return LoadedGameDay(
            plan: plan, drills: loaded.drills.map { $0.resolvingUserGroups(with: target.routing) }, target: target,
            variables: variables)
    }
}

/// `gameday run GAMEDAY.yaml` at the terminal: each drill's progress and summary as `gameday run`
/// prints them, the pauses, and the game day's summary; Ctrl-C stops the drill that runs (its faults
/// reverted) and every drill after it.
struct GameDayService {
    let session: GameDaySession
    let presentation: RunService.Presentation

    func execute() async -> Int32 {
        let gameDayId = WallClock.newRunID()
        let interrupts = GameDayInterrupts()
        let running = RunningTask<GameDaySession.Archived>()
        running.cancelOnInterrupt(
            stopping: "stopping the game day: reverting the drill that runs, starting no other…", run: "game day"
        ) { interrupts.interrupt() }
        let quiet = presentation.verbosity == .quiet
        let plan = session.plan
        Terminal.err(
            "gameday: game day \(plan.name) (\(gameDayId)): \(plan.entries.count) drills against target \(session.target.name), stop on \(plan.stopOn.rawValue)"
        )
        let presentation = presentation
        let task = Task { [session] in
            await session.run(
                gameDayId: gameDayId, interrupts: interrupts,
                reporter: { _ in
                    EventPrinter(
                        clock: ContinuousRunClock(), verbosity: presentation.verbosity,
                        style: presentation.progressStyle, live: Terminal.isTerminal(2))
                },
                say: { line in if !quiet || !line.hasPrefix("note:") { Terminal.err("gameday: \(line)") } },
                event: { event in Self.print(event, of: plan, presentation: presentation) })
        }
        running.set(task)
        if interrupts.count > 0 { task.cancel() }
        let archived = await task.value
        Terminal.endStatus()
        if let problem = archived.problem { Terminal.err("gameday: \(problem)") }
        Terminal.out(Self.summary(archived, style: presentation.summaryStyle))
        return archived.result.exitCode
    }

    private static func print(
        _ event: GameDaySession.Event, of plan: GameDayPlan, presentation: RunService.Presentation
    ) {
        switch event {
        case .drillStarting(let index, let drill, let runId):
            Terminal.err("gameday: drill \(index + 1) of \(plan.entries.count): \(drill.name) (run \(runId))")
        case .drillEnded(_, _, let ending):
            Terminal.endStatus()
            switch ending {
            case .refused(let lines):
                for (index, line) in lines.enumerated() { Terminal.err(index == 0 ? "gameday: \(line)" : line) }
            case .interruptedBeforeStart:
                Terminal.err("gameday: interrupted before the drill started; nothing was done")
            case .ran(let result, let archive, let notUndone):
                Terminal.out(presentation.summary(result, archive: archive))
                if notUndone > 0 {
                    Terminal.err(
                        "gameday: \(notUndone) fault(s) or cut-over(s) of this run are not undone yet: run 'gameday recover'"
                    )
                }
            }
        case .pausing(let pause):
            Terminal.err("gameday: pause of \(DurationText.format(pause)) before the next drill")
        case .stopping(let why):
            Terminal.err("gameday: stopping: \(why)")
        }
    }

    /// One line per drill, then where the game day's archive is.
    static func summary(_ archived: GameDaySession.Archived, style: TerminalStyle) -> String {
        let result = archived.result
        var lines = [
            "game day \(style.bold(result.gameDay.name)) against \(result.target.name): \(style.outcome(result.outcome)) (exit \(result.exitCode))"
                + style.dim(
                    "  \(result.gameDayId), \(DurationText.format(.milliseconds((result.durationMs ?? 0).rounded())))")
        ]
        if let reason = result.reason, result.outcome != .pass { lines.append("  why: \(reason)") }
        let width = result.drills.map(\.drill.count).max() ?? 0
        for (index, drill) in result.drills.enumerated() {
            let outcome = drill.outcome.map { style.outcome($0) } ?? drill.status.rawValue.uppercased()
            let rto =
                drill.rto.map { rto in
                    "  RTO " + (rto.measuredMs.map { DurationText.format(.milliseconds($0.rounded())) } ?? "-")
                        + " (goal \(DurationText.format(.milliseconds(rto.goalMs.rounded()))))"
                } ?? ""
            lines.append("  \(index + 1). \(drill.drill.rightPad(width))  \(outcome)\(rto)")
        }
        if let directory = archived.directory {
            lines.append("  archive: \(directory)/ (\(GameDaySession.resultFile), junit.xml, report.html)")
        }
        return lines.joined(separator: "\n")
    }
}

extension GameDay.Run {
    /// `gameday run GAMEDAY.yaml`: every drill loaded and checked first, then run in order.
    func runGameDay(settings: DrillSession.Settings) async throws -> Int32 {
        if metricsFile != nil {
            // One textfile holds one run's figures; a game day's drills each push their own group.
            Terminal.err(
                "gameday: --metrics-file takes the figures of one drill; for a game day use --pushgateway, "
                    + "where each drill is a group of its own")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        let loaded = try LoadedGameDay.load(files)
        let decisions = try loaded.drills.map { try decision.source(for: $0) }
        let session = GameDaySession(
            plan: loaded.plan, drills: loaded.drills, variables: loaded.variables.map(\.shown), target: loaded.target,
            settings: settings, decisions: decisions)
        return await GameDayService(
            session: session,
            presentation: RunService.Presentation(verbosity: quiet ? .quiet : verbose ? .verbose : .normal, json: json)
        ).execute()
    }
}

/// `gameday plan GAMEDAY.yaml`: the order, the pauses and the stop policy, then each drill's plan
/// as `plan` shows a drill's, with its variables.
struct GameDayPlanText {
    let loaded: LoadedGameDay

    init(_ loaded: LoadedGameDay) { self.loaded = loaded }

    func render() -> String {
        let plan = loaded.plan
        var lines = [
            "game day \(plan.name) (\(plan.file)) against target \(loaded.target.name) (\(loaded.target.file)): "
                + "\(plan.entries.count) drills in order, stop on \(plan.stopOn.rawValue)"
                + " (\(Self.policy(plan.stopOn))); every drill archived as by 'gameday run', the game day under "
                + "<output>/\(GameDaySession.directoryName)/\(plan.name)/"
        ]
        for (index, drill) in loaded.drills.enumerated() {
            let pause = plan.pause(after: index)
            let after = pause > .zero ? ", then a pause of \(DurationText.format(pause))" : ""
            lines.append("  \(index + 1). \(drill.name) (\(plan.entries[index].drill))\(after)")
        }
        for (index, drill) in loaded.drills.enumerated() {
            lines.append("")
            lines.append("=== drill \(index + 1) of \(loaded.drills.count) ===")
            let text = PlanRenderer(
                drill: drill, target: loaded.target,
                faults: DrillSession.faults(
                    runId: "plan", drill: drill, watchdogTimeout: .seconds(10), hosts: SSHHostSession(runId: "plan"))
            ).render()
            lines.append(VariableLines(variables: loaded.variables[index]).added(to: text))
        }
        return lines.joined(separator: "\n")
    }

    static func policy(_ policy: GameDayPlan.StopPolicy) -> String {
        switch policy {
        case .fail: "the first drill that fails or cannot run stops the game day"
        case .error: "only a drill that cannot run stops the game day"
        case .never: "every drill runs; only an interrupt stops the game day"
        }
    }
}
