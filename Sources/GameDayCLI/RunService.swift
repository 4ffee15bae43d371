import Foundation
import GameDayCore
import GameDayRuntime

/// `gameday run` at the terminal: turns Ctrl-C and SIGTERM into an interrupt of the drill, runs
/// its `DrillSession`, and prints the progress, the summary and what is left to undo.
struct RunService {
    let session: DrillSession
    let presentation: Presentation

    /// How the run shows itself: how much it prints, in colour or not, and where the result goes.
    struct Presentation {
        var verbosity: Verbosity
        /// The result as JSON on stdout; the summary then goes to stderr.
        var json: Bool
        var environment: [String: String] = ProcessInfo.processInfo.environment

        /// Colour for stderr's progress (and for the summary when it goes to stderr).
        var progressStyle: TerminalStyle {
            TerminalStyle(isTerminal: Terminal.isTerminal(2), environment: environment)
        }

        var summaryStyle: TerminalStyle {
            TerminalStyle(isTerminal: Terminal.isTerminal(json ? 2 : 1), environment: environment)
        }

        /// A drill's summary as this presentation prints it: every user with `--verbose`, wrapped to
        /// the terminal's width when it goes to one.
        func summary(_ result: RunResult, archive: String?) -> String {
            let descriptor: Int32 = json ? 2 : 1
            return Summary(
                result: result, archive: archive, style: summaryStyle, verbose: verbosity == .verbose,
                width: Terminal.isTerminal(descriptor) ? Terminal.width : nil
            ).render()
        }

        /// Prints how a drill ended: why it was refused, that it was interrupted before the `what`
        /// (run, drill) started, or its summary and what is left to undo with `recover`. With
        /// `resultJSON`, the result goes to stdout as JSON and the summary to stderr.
        func printEnding(_ ending: DrillSession.Ending, of what: String, recover: String, resultJSON: Bool) {
            switch ending {
            case .refused(let lines):
                for (index, line) in lines.enumerated() { Terminal.err(index == 0 ? "gameday: \(line)" : line) }
            case .interruptedBeforeStart:
                Terminal.err("gameday: interrupted before the \(what) started; nothing was done")
            case .ran(let result, let archive, let notUndone):
                let summary = summary(result, archive: archive)
                if resultJSON {
                    Terminal.err(summary)
                    if let data = try? ResultArchive.encode(result) {
                        Terminal.out(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
                    }
                } else {
                    Terminal.out(summary)
                }
                if notUndone > 0 {
                    Terminal.err(
                        "gameday: \(notUndone) fault(s) or cut-over(s) of this run are not undone yet: run '\(recover)'"
                    )
                }
            }
        }
    }

    /// Runs the drill; returns the exit code.
    func execute() async -> Int32 {
        let runId = WallClock.newRunID()
        // Interrupts are counted from the process's start (`GameDay.start`); from here on they stop
        // the run: before the runner starts, nothing is done; after, it reverts what it did.
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let running = RunningTask<DrillSession.Ending>()
        running.cancelOnInterrupt(stopping: "stopping the drill and reverting every fault…", run: "run") {
            interruption.interrupt(at: clock.now())
        }
        let quiet = presentation.verbosity == .quiet
        let drill = session.drill
        if !quiet { Terminal.err("gameday: run \(runId): drill \(drill.name) against target \(session.target.name)") }
        let reporter = EventPrinter(
            clock: clock, verbosity: presentation.verbosity, style: presentation.progressStyle,
            live: Terminal.isTerminal(2))
        let task = Task { [session] in
            await session.run(
                runId: runId, clock: clock, interruption: interruption, reporter: reporter,
                say: { line in if !quiet || !line.hasPrefix("note:") { Terminal.err("gameday: \(line)") } })
        }
        running.set(task)
        // An interrupt between the handler's start and here: it found no task to cancel.
        if interruption.count > 0 { task.cancel() }
        let ending = await task.value
        Terminal.endStatus()

        presentation.printEnding(
            ending, of: "run", recover: "\(session.recoverCommand)", resultJSON: presentation.json)
        return ending.exitCode
    }
}
