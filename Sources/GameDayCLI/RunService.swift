import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

/// Runs a loaded drill with the real runtime: takes the target's lock, refuses to start over
/// faults an earlier run left applied, keeps the ledger and its watchdogs, handles Ctrl-C,
/// archives and prints the summary.
struct RunService {
    let drill: Drill
    let target: Target
    let output: String
    let stateDirectory: String
    let watchdogTimeout: Duration
    let presentation: Presentation
    /// Archive every sample as `samples.ndjson`.
    let rawSamples: Bool
    /// Also write the JUnit file here (it is always in the archive).
    let junitPath: String?
    /// Write `report.html` into the archive.
    let html: Bool

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
    }

    /// Runs the drill; returns the exit code.
    func execute() async -> Int32 {
        let runId = WallClock.newRunID()
        // Interrupts are counted from the process's start (`GameDay.start`); from here on they stop
        // the run: before the runner starts, nothing is done; after, it reverts what it did.
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let running = RunningTask()
        let signals = InterruptSignals.shared
        signals.install()
        signals.handle { signal, count in
            let name = signal == SIGINT ? "interrupt" : "SIGTERM"
            interruption.interrupt(at: clock.now())
            if count == 1 {
                Terminal.err("gameday: \(name): stopping the drill and reverting every fault…")
                running.cancel()
            } else {
                Terminal.err("gameday: \(name) again: still reverting faults; the run exits as soon as they are undone")
            }
        }
        if presentation.verbosity != .quiet {
            Terminal.err("gameday: run \(runId): drill \(drill.name) against target \(target.name)")
        }
        guard interruption.count == 0 else {
            Terminal.err("gameday: interrupted before the run started; nothing was done")
            return RunOutcome.aborted.exitCode
        }
        // One run per target on this machine, whatever the state directory: see TargetIdentity.
        let lock: TargetLock
        do {
            let locks = try LockDirectory.current()
            if let note = locks.note, presentation.verbosity != .quiet { Terminal.err("gameday: note: \(note)") }
            lock = try await TargetLock.take(
                TargetLockRecord(runId: runId, drill: drill.name, stateDirectory: stateDirectory, target: target),
                in: locks.path)
        } catch {
            Terminal.err("gameday: \(error.localizedDescription)")
            return RunOutcome.error.exitCode
        }
        defer { lock.release() }

        let store = LedgerStore(stateDirectory: stateDirectory)
        let leftovers = store.pending(target: target.name)
        guard leftovers.isEmpty else {
            Terminal.err(
                "gameday: earlier runs on target \(target.name) left \(leftovers.count) fault(s) or cut-over(s) not reverted:"
            )
            for entry in leftovers { Terminal.err("  \(entry.pendingDescription)") }
            Terminal.err("run 'gameday recover --target \(target.file)' to revert them, then run the drill again")
            return RunOutcome.error.exitCode
        }

        // Runners killed with SIGKILL leave their heartbeats; those with nothing left to revert go.
        StaleHeartbeats(stateDirectory: stateDirectory).remove()

        // Every place the run will write to is proven writable before anything is done: a run that
        // harmed a unit and could not archive it would have nothing to show for it.
        let wall = WallClock(clock: clock)
        do {
            let startedAt = WallTime.iso8601(unixMilliseconds: wall.unixMilliseconds(.zero))
            _ = try ResultArchive(root: output).prepare(drill: drill.name, startedAt: startedAt, runId: runId)
            if let junitPath { try ResultArchive.prepareFile(junitPath) }
        } catch {
            Terminal.err("gameday: \(error); choose a place it can write (--output, --junit); nothing was done")
            return RunOutcome.error.exitCode
        }

        let heartbeat: Heartbeat
        do {
            heartbeat = try Heartbeat(path: "\(stateDirectory)/runs/\(runId).heartbeat")
        } catch {
            Terminal.err("gameday: cannot write the heartbeat under \(stateDirectory): \(FileProblem.words(error))")
            return RunOutcome.error.exitCode
        }
        defer { heartbeat.stop() }

        var drill = drill
        var target = target
        // The ledger's recipes (a cut-back) are read again by watchdogs and `recover` from elsewhere.
        drill.file = Self.absolute(drill.file)
        target.file = Self.absolute(target.file)
        let ledger = FileLedger(
            store: store, runId: runId, target: target.name,
            watchdog: FileLedger.Watchdog(
                executable: Self.executable, heartbeat: heartbeat.path, timeout: watchdogTimeout,
                deadline: Date().timeIntervalSince1970 + drill.maximumDuration.milliseconds / 1000))

        // Raw samples stream to a file beside the archive while the run goes, and move into it after.
        var raw: NDJSONSampleWriter?
        if rawSamples {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                raw = try NDJSONSampleWriter(path: "\(output)/.samples-\(runId).ndjson")
            } catch {
                Terminal.err("gameday: cannot write raw samples under \(output): \(FileProblem.words(error))")
                return RunOutcome.error.exitCode
            }
        }

        // Faults on SSH hosts leave a dead-man's switch on each host with the watchdog's timeout.
        let hosts = SSHHostSession(runId: runId, switchTimeout: watchdogTimeout)
        let environment = RunEnvironment(
            transport: CurlHTTPClient(),
            faults: CompositeFaultDriver(
                process: ProcessFaultDriver(), network: NetworkFaultDriver(runId: runId),
                proxy: ProxyFaultDriver(runId: runId), ssh: SSHProcessFaultDriver(session: hosts),
                sshNetwork: SSHNetworkFaultDriver(session: hosts),
                // A paused process in a pod resumes by itself once the drill cannot be running any more.
                kubernetes: KubernetesFaultDriver(
                    runId: runId, switchLifetime: drill.maximumDuration + watchdogTimeout)),
            clock: clock,
            wallClock: { wall.unixMilliseconds($0) },
            environment: { ProcessInfo.processInfo.environment[$0] },
            files: LocalFileSystem(),
            reporter: EventPrinter(
                clock: clock, verbosity: presentation.verbosity, style: presentation.progressStyle,
                live: Terminal.isTerminal(2)),
            runId: runId, ledger: ledger,
            probes: CurlMultiProbeLauncher(), rawSamples: raw, interruption: interruption)
        let runner = DrillRunner(drill: drill, target: target, environment: environment)

        let task = Task { await runner.run() }
        running.set(task)
        // An interrupt between the check above and here: the handler found no task to cancel.
        if interruption.count > 0 { task.cancel() }
        var result = await task.value
        if let late = interruption.first, result.outcome != .aborted {
            // Between the runner's last look and here: the drill ran to its end, but this run was interrupted.
            result.outcome = .aborted
            result.exitCode = RunOutcome.aborted.exitCode
            result.interruptedMs = late.milliseconds
            result.reason =
                (result.reason.map { "\($0); " } ?? "") + "interrupted after the drill ended, while archiving"
        }
        await hosts.close()
        Terminal.endStatus()

        var contents = ResultArchive.Contents()
        if html { contents.report = { @Sendable result in HTMLReport.render(result) } }
        if let raw {
            do {
                try raw.close()
                contents.rawSamples = raw.path
            } catch {
                Terminal.err("gameday: the raw samples could not be archived: \(FileProblem.words(error))")
            }
        }
        var directory: String?
        do {
            let written = try ResultArchive(root: output).write(&result, contents)
            directory = written.directory
            for problem in written.problems { Terminal.err("gameday: \(problem)") }
        } catch {
            Terminal.err("gameday: could not write the result under \(output): \(FileProblem.words(error))")
            Self.notAPass(&result, "its result could not be written under \(output)")
        }
        if let junitPath, !Self.copyJUnit(result, to: junitPath) {
            Self.notAPass(&result, "its JUnit file could not be written to \(junitPath)")
        }

        let summary = Summary(result: result, archive: directory, style: presentation.summaryStyle).render()
        if presentation.json {
            Terminal.err(summary)
            if let data = try? ResultArchive.encode(result) {
                Terminal.out(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
            }
        } else {
            Terminal.out(summary)
        }
        let left = store.pending(target: target.name).filter { $0.runId == runId }
        if !left.isEmpty {
            Terminal.err(
                "gameday: \(left.count) fault(s) or cut-over(s) of this run are not undone yet: run 'gameday recover --target \(target.file)'"
            )
        }
        return result.exitCode
    }

    /// `--junit PATH`: the archive's JUnit file, also where CI looks for it. False when it could not be written.
    private static func copyJUnit(_ result: RunResult, to path: String) -> Bool {
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(JUnitReport.render(result).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return true
        } catch {
            Terminal.err("gameday: could not write the JUnit file to \(path): \(FileProblem.words(error))")
            return false
        }
    }

    /// A run whose results could not be written where asked is not a pass (CI would see nothing of it).
    private static func notAPass(_ result: inout RunResult, _ why: String) {
        guard result.outcome == .pass else { return }
        result.outcome = .error
        result.exitCode = RunOutcome.error.exitCode
        result.reason = "the drill passed, but \(why)"
    }

    /// This program, for the watchdogs it leaves behind.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}

/// The run's task, once it exists, for the interrupt handler to cancel.
private final class RunningTask: Sendable {
    private let task = Mutex<Task<RunResult, Never>?>(nil)

    func set(_ task: Task<RunResult, Never>) { self.task.withLock { $0 = task } }

    func cancel() { task.withLock { $0?.cancel() } }
}
