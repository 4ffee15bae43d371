import Foundation
import GameDayCore
import GameDayRuntime

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
        let recover = RecoverCommand(target: session.target.file, stateDirectory: session.settings.stateDirectory)
        let task = Task { [session] in
            await session.run(
                gameDayId: gameDayId, interrupts: interrupts,
                reporter: { _ in
                    EventPrinter(
                        clock: ContinuousRunClock(), verbosity: presentation.verbosity,
                        style: presentation.progressStyle, live: Terminal.isTerminal(2))
                },
                say: { line in if !quiet || !line.hasPrefix("note:") { Terminal.err("gameday: \(line)") } },
                event: { event in Self.print(event, of: plan, presentation: presentation, recover: recover) })
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
        _ event: GameDaySession.Event, of plan: GameDayPlan, presentation: RunService.Presentation,
        recover: RecoverCommand
    ) {
        switch event {
        case .drillStarting(let index, let drill, let runId):
            Terminal.err("gameday: drill \(index + 1) of \(plan.entries.count): \(drill.name) (run \(runId))")
        case .drillEnded(_, _, let ending):
            Terminal.endStatus()
            // A game day's result is its own (`summary`): a drill's never goes to stdout as JSON.
            presentation.printEnding(ending, of: "drill", recover: "\(recover)", resultJSON: false)
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
