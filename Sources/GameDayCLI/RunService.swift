import Foundation
import GameDayCore
import GameDayRuntime

/// Runs a loaded drill with the real runtime, handles Ctrl-C, archives and prints the summary.
struct RunService {
    let drill: Drill
    let target: Target
    let output: String
    let quiet: Bool

    /// Runs the drill; returns the exit code.
    func execute() async -> Int32 {
        let clock = ContinuousRunClock()
        let wall = WallClock(clock: clock)
        let runId = WallClock.newRunID()
        let environment = RunEnvironment(
            transport: CurlHTTPClient(), faults: ProcessFaultDriver(), clock: clock,
            wallClock: { wall.iso8601($0) },
            environment: { ProcessInfo.processInfo.environment[$0] },
            readFile: { try String(contentsOfFile: $0, encoding: .utf8) },
            reporter: EventPrinter(clock: clock, quiet: quiet), runId: runId)
        let runner = DrillRunner(drill: drill, target: target, environment: environment)
        if !quiet { Terminal.err("gameday: run \(runId): drill \(drill.name) against target \(target.name)") }

        let task = Task { await runner.run() }
        let signals = SignalWatcher { signal, count in
            let name = signal == SIGINT ? "interrupt" : "SIGTERM"
            if count == 1 {
                Terminal.err("gameday: \(name): stopping the drill and reverting every fault…")
                task.cancel()
            } else {
                Terminal.err("gameday: still reverting faults; the run exits as soon as they are undone")
            }
        }
        let result = await task.value
        signals.cancel()

        var path: String?
        do {
            path = try ResultArchive(root: output).write(result)
        } catch {
            Terminal.err("gameday: could not write the result under \(output): \(error.localizedDescription)")
        }
        Terminal.out(Summary(result: result, archivePath: path).render())
        return result.exitCode
    }
}
