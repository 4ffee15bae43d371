import Foundation
import GameDayCore
import Synchronization

/// A game day with the real runtime: its drills in order, each a `DrillSession` of its own (its
/// lock, ledger, watchdogs, archive), with the pauses between them and the stop policy, and the game
/// day's own archive at the end: `gameday.json`, one `junit.xml` with a suite per drill, and an
/// index `report.html`.
///
/// An interrupt (`GameDayInterrupts.interrupt`) stops the drill that runs (its faults reverted, as
/// ever) or the pause, and no further drill starts; what ran is archived.
public struct GameDaySession: Sendable {
    public let plan: GameDayPlan
    /// The plan's drills, read and checked, in order.
    public let drills: [Drill]
    /// Each drill's variables as they may be shown (secrets as `***`).
    public let variables: [[String: String]]
    public let target: Target
    /// Every drill's settings but its own variables and who decides its cut-over.
    public let settings: DrillSession.Settings
    /// Who decides each drill's cut-over (its trigger's source), in order.
    public let decisions: [(any CutoverDecisionSource)?]

    public init(
        plan: GameDayPlan, drills: [Drill], variables: [[String: String]], target: Target,
        settings: DrillSession.Settings, decisions: [(any CutoverDecisionSource)?]? = nil
    ) {
        self.plan = plan
        self.drills = drills
        self.variables = variables
        self.target = target
        self.settings = settings
        self.decisions = decisions ?? drills.map { _ in nil }
    }

    /// What the game day tells its caller as it goes.
    public enum Event: Sendable {
        case drillStarting(index: Int, drill: Drill, runId: String)
        case drillEnded(index: Int, drill: Drill, ending: DrillSession.Ending)
        case pausing(Duration)
        case stopping(String)
    }

    /// The game day's archive: its directory, or why it could not be written.
    public struct Archived: Sendable {
        public var result: GameDayResult
        public var directory: String?
        public var problem: String?
    }

    public static let resultFile = ArchiveScan.gameDayFile

    /// The game days' root under the results directory: a name no drill can have (drill names are
    /// lowercase letters, digits and '-').
    public static let directoryName = ArchiveScan.gameDaysDirectory

    public func run(
        gameDayId: String, interrupts: GameDayInterrupts, reporter: @escaping @Sendable (Drill) -> any RunReporter,
        say: @escaping @Sendable (String) -> Void, event: @escaping @Sendable (Event) -> Void
    ) async -> Archived {
        let clock = ContinuousRunClock()
        let wall = WallClock(clock: clock)
        var result = GameDayResult(
            gameDayId: gameDayId, gameDay: .init(name: plan.name, file: DrillSession.absolute(plan.file)),
            target: .init(name: target.name, file: DrillSession.absolute(target.file)),
            startedAt: WallTime.iso8601(unixMilliseconds: wall.unixMilliseconds(.zero)), stopOn: plan.stopOn)
        let archiveDirectory = directory(startedAt: result.startedAt, gameDayId: gameDayId)
        var results: [RunResult] = []
        var stoppedBy: String?
        for (index, drill) in drills.enumerated() {
            if let stoppedBy {
                result.drills.append(.init(drill: drill.name, file: drill.file, status: .skipped, reason: stoppedBy))
                continue
            }
            if interrupts.count > 0 || Task.isCancelled {
                stoppedBy = "interrupted before drill \(index + 1) (\(drill.name)): no further drill ran"
                result.drills.append(.init(drill: drill.name, file: drill.file, status: .skipped, reason: stoppedBy))
                continue
            }
            let runId = WallClock.newRunID()
            event(.drillStarting(index: index, drill: drill, runId: runId))
            let offset = clock.now().milliseconds
            let drillClock = ContinuousRunClock()
            let interruption = interrupts.begin(clock: drillClock)
            var drillSettings = settings
            // One JUnit file for the game day, written below; a drill's own stays in its archive.
            drillSettings.junitPath = nil
            drillSettings.metricsFile = nil
            drillSettings.variables = variables[index]
            drillSettings.decisions = decisions[index]
            let ending = await DrillSession(drill: drill, target: target, settings: drillSettings).run(
                runId: runId, clock: drillClock, interruption: interruption, reporter: reporter(drill), say: say)
            event(.drillEnded(index: index, drill: drill, ending: ending))
            switch ending {
            case .ran(let run, let archive, _):
                results.append(run)
                result.drills.append(
                    .init(
                        run, archive: archive.map { Self.relative($0, from: archiveDirectory) }, offsetMs: offset,
                        variables: variables[index]))
                if plan.stopOn.stops(after: run.outcome) {
                    stoppedBy =
                        run.outcome == .aborted
                        ? "interrupted during drill \(index + 1) (\(drill.name)): no further drill ran"
                        : "drill \(index + 1) (\(drill.name)) ended \(run.outcome.rawValue) and the game day stops on \(plan.stopOn.rawValue)"
                }
            case .refused(let lines):
                result.drills.append(
                    .init(drill: drill.name, file: drill.file, status: .refused, reason: lines.joined(separator: " ")))
                if plan.stopOn != .never {
                    stoppedBy =
                        "drill \(index + 1) (\(drill.name)) could not start and the game day stops on \(plan.stopOn.rawValue)"
                }
            case .interruptedBeforeStart:
                stoppedBy = "interrupted before drill \(index + 1) (\(drill.name)): no further drill ran"
                result.drills.append(.init(drill: drill.name, file: drill.file, status: .skipped, reason: stoppedBy))
            }
            if let stoppedBy {
                event(.stopping(stoppedBy))
                continue
            }
            let pause = plan.pause(after: index)
            if pause > .zero {
                event(.pausing(pause))
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    // Cancelled: an interrupt during the pause; the next turn of the loop says so.
                }
            }
        }
        result.durationMs = clock.now().milliseconds
        result.endedAt = WallTime.iso8601(unixMilliseconds: wall.unixMilliseconds(clock.now()))
        result.conclude(interrupted: interrupts.count > 0, stoppedBy: stoppedBy)
        return archive(result, results: results, directory: archiveDirectory)
    }

    /// `<output>/_gamedays/<game day>/<UTC time>-<id>/`.
    func directory(startedAt: String, gameDayId: String) -> String {
        "\(settings.output)/\(Self.directoryName)/\(plan.name)/\(ResultArchive.compactTime(startedAt))-\(gameDayId)"
    }

    private func archive(_ result: GameDayResult, results: [RunResult], directory: String) -> Archived {
        let skipped = result.drills.filter { $0.status != .ran }.map {
            ($0.drill, "\($0.status.rawValue): \($0.reason ?? "")")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try ResultArchive.encode(result).write(to: URL(fileURLWithPath: "\(directory)/\(Self.resultFile)"))
            let junit = JUnitReport.render(results, name: "gameday \(plan.name)", skipped: skipped)
            try Data(junit.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(ResultArchive.junitFile)"))
            if let path = settings.junitPath {
                try ResultArchive.prepareFile(path)
                try Data(junit.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
            if settings.html {
                try Data(GameDayReport.render(result).utf8).write(
                    to: URL(fileURLWithPath: "\(directory)/\(ResultArchive.reportFile)"))
            }
            return Archived(result: result, directory: directory, problem: nil)
        } catch {
            var failed = result
            if failed.outcome == .pass {
                failed.outcome = .error
                failed.exitCode = RunOutcome.error.exitCode
                failed.reason = "every drill passed, but the game day's archive could not be written"
            }
            return Archived(
                result: failed, directory: nil,
                problem: "could not write the game day's archive under \(directory): \(FileProblem.words(error))")
        }
    }

    /// `path` relative to `base` (both absolute or both relative to the same place).
    static func relative(_ path: String, from base: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let origin = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var shared = 0
        while shared < min(target.count, origin.count), target[shared] == origin[shared] { shared += 1 }
        let up = Array(repeating: "..", count: origin.count - shared)
        return (up + target[shared...]).joined(separator: "/")
    }
}

/// Ctrl-C and SIGTERM during a game day: each goes to the drill that runs (on its clock), and once
/// one has arrived no further drill starts.
public final class GameDayInterrupts: Sendable {
    private let state = Mutex<(count: Int, current: (clock: ContinuousRunClock, interruption: RunInterruption)?)>(
        (0, nil))

    public init() {}

    /// The interruption of the drill about to start, on its clock.
    func begin(clock: ContinuousRunClock) -> RunInterruption {
        let interruption = RunInterruption()
        state.withLock { state in
            // An interrupt already arrived: the drill finds it and does not start.
            if state.count > 0 { interruption.interrupt(at: clock.now()) }
            state.current = (clock, interruption)
        }
        return interruption
    }

    /// Notes an interrupt; returns how many have arrived.
    @discardableResult
    public func interrupt() -> Int {
        state.withLock { state in
            state.count += 1
            if let current = state.current { current.interruption.interrupt(at: current.clock.now()) }
            return state.count
        }
    }

    public var count: Int { state.withLock { $0.count } }
}
