import Foundation
import GameDayCore
import GameDayRuntime

/// The whole run's own cost: the wall time of `gameday run` on a drill minus the waits its file
/// asks for, beside the wall time of `gameday validate` on the same files, interleaved.
struct RunOverhead: Sendable {
    var drill: String
    /// Steady state, observe and rollback steady state, as the loaded drill gives them.
    var waits: Duration
    var reference = Samples()
    var wall = Samples()
    var overhead = Samples()

    static func measure(gameday: String, drill path: String, target: String, runs: Int) async throws -> RunOverhead {
        let drill = try DrillLoader.loadDrill(path: path)
        var result = RunOverhead(drill: drill.name, waits: try fixedWaits(drill, path: path))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gameday-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = [
            gameday, "run", path, "--target", target, "--state-dir", scratch.appendingPathComponent("state").path,
            "--output", scratch.appendingPathComponent("results").path,
        ]
        let validate = [gameday, "validate", path, "--target", target]
        // The reference is short and the runs few: one before and one after each run steadies its median.
        result.reference.append(try await wallTime(validate))
        for _ in 1...runs {
            let wall = try await wallTime(run)
            result.wall.append(wall)
            result.overhead.append(wall - result.waits)
            result.reference.append(try await wallTime(validate))
        }
        return result
    }

    /// The waits of a drill whose every phase lasts exactly as long as its file says: no user
    /// is expected to fail (observe would last until they do) and there is no cut-over to wait for.
    static func fixedWaits(_ drill: Drill, path: String) throws -> Duration {
        if drill.users.contains(where: { $0.impact == .fail }) {
            throw BenchError.drillWaitsNotFixed(
                drill: path, reason: "it expects users to fail, after a time no file fixes")
        }
        if drill.cutover != nil || drill.rollback.cutback != nil {
            throw BenchError.drillWaitsNotFixed(drill: path, reason: "it waits for a cut-over")
        }
        return drill.steadyState.duration + drill.observe.duration + drill.rollback.steadyState
    }

    private static func wallTime(_ argv: [String]) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let output = try await LocalExecutor().run(argv, timeout: .seconds(120))
        let elapsed = start.duration(to: clock.now)
        guard output.exitCode == 0, !output.timedOut else {
            throw BenchError.commandFailed(argv: argv, exitCode: output.exitCode, lastLine: output.lastLine)
        }
        return elapsed
    }
}
