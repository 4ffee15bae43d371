import Foundation
import GameDayCore

extension DrillSession {
    /// Runs the drill as run `runId` on `clock`. `reporter` hears the runner's events; `say` hears
    /// the session's own notes (a lock directory's fallback, an archive's problems).
    public func run(
        runId: String, clock: ContinuousRunClock, interruption: RunInterruption, reporter: any RunReporter,
        say: @escaping @Sendable (String) -> Void
    ) async -> Ending {
        guard interruption.count == 0, !Task.isCancelled else { return .interruptedBeforeStart }
        // One run per target on this machine, whatever the state directory: see TargetIdentity.
        let lock: TargetLock
        do {
            let locks = try LockDirectory.current()
            if let note = locks.note { say("note: \(note)") }
            lock = try await TargetLock.take(
                TargetLockRecord(
                    runId: runId, drill: drill.name, stateDirectory: settings.stateDirectory, target: target),
                in: locks.path)
        } catch {
            return .refused(lines: [error.localizedDescription])
        }
        defer { lock.release() }

        let store = LedgerStore(stateDirectory: settings.stateDirectory)
        let leftovers = store.pending(target: target.name)
        guard leftovers.isEmpty else {
            return .refused(
                lines: [
                    "earlier runs on target \(target.name) left \(leftovers.count) fault(s) or cut-over(s) not reverted:"
                ] + leftovers.map { "  \($0.pendingDescription)" } + [
                    "run '\(recoverCommand)' to revert them, then run the drill again"
                ])
        }
        // Runners killed with SIGKILL leave their heartbeats; those with nothing left to revert go.
        StaleHeartbeats(stateDirectory: settings.stateDirectory).remove()

        // Every place the run will write to is proven writable before anything is done: a run that
        // harmed a unit and could not archive it would have nothing to show for it.
        let wall = WallClock(clock: clock)
        let directory: String
        do {
            let startedAt = WallTime.iso8601(unixMilliseconds: wall.unixMilliseconds(.zero))
            directory = try ResultArchive(root: settings.output).prepare(
                drill: drill.name, startedAt: startedAt, runId: runId)
            if let junitPath = settings.junitPath { try ResultArchive.prepareFile(junitPath) }
            if let metricsFile = settings.metricsFile { try ResultArchive.prepareFile(metricsFile) }
        } catch {
            return .refused(
                lines: ["\(error); choose a place it can write (--output, --junit, --metrics-file); nothing was done"])
        }

        let heartbeat: Heartbeat
        do {
            heartbeat = try Heartbeat(path: Self.heartbeatPath(stateDirectory: settings.stateDirectory, runId: runId))
        } catch {
            return .refused(
                lines: ["cannot write the heartbeat under \(settings.stateDirectory): \(FileProblem.words(error))"])
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
                executable: settings.executable, heartbeat: heartbeat.path, timeout: settings.watchdogTimeout,
                deadline: Date().timeIntervalSince1970 + drill.maximumDuration.milliseconds / 1000),
            recipes: RecipeRunner(transport: parts.transport))

        // Raw samples stream to a file beside the archive while the run goes, and move into it after.
        var raw: NDJSONSampleWriter?
        if settings.rawSamples {
            do {
                raw = try NDJSONSampleWriter(path: "\(settings.output)/.samples-\(runId).ndjson")
            } catch {
                return .refused(
                    lines: ["cannot write raw samples under \(settings.output): \(FileProblem.words(error))"])
            }
        }

        // Faults on SSH hosts leave a dead-man's switch on each host with the watchdog's timeout.
        let hosts = SSHHostSession(runId: runId, switchTimeout: settings.watchdogTimeout)
        var environment = RunEnvironment(
            transport: parts.transport, faults: parts.faults(runId, hosts), clock: clock,
            wallClock: { wall.unixMilliseconds($0) }, environment: parts.environment,
            files: LocalFileSystem(), reporter: reporter, runId: runId,
            ledger: ledger, probes: parts.probes, rawSamples: raw, interruption: interruption,
            commands: LocalExecutor(), decisions: settings.decisions)
        environment.stateDirectory = settings.stateDirectory
        // The hooks' logs go into the archive, whose directory is the one prepared above.
        let hooks = PhaseHooks(
            drill: drill, target: target, runId: runId, archive: directory, webhooks: target.notify + settings.notify,
            transport: parts.transport, clock: clock, environment: parts.environment, files: LocalFileSystem(),
            say: say)
        environment.hooks = hooks
        // Awaited in this task: cancelling it interrupts the runner.
        var result = await DrillRunner(drill: drill, target: target, environment: environment).run()
        result.variables = settings.variables
        await settings.decisions?.close()
        if let late = interruption.first, result.outcome != .aborted {
            // Between the runner's last look and here: the drill ran to its end, but this run was interrupted.
            result.outcome = .aborted
            result.exitCode = RunOutcome.aborted.exitCode
            result.interruptedMs = late.milliseconds
            result.reason =
                (result.reason.map { "\($0); " } ?? "") + "interrupted after the drill ended, while archiving"
        }
        await hosts.close()
        await hooks.finish(&result, archive: directory)

        let archive = archive(&result, rawSamples: raw, say: say)
        await publishMetrics(&result, say: say)
        let notUndone = store.pending(target: target.name).filter { $0.runId == runId }.count
        return .ran(result, archive: archive, notUndone: notUndone)
    }

    /// Writes the archive and the `--junit` copy; returns the archive's directory when it could
    /// be written. A run whose results could not all be written is not a pass.
    private func archive(
        _ result: inout RunResult, rawSamples raw: NDJSONSampleWriter?, say: @Sendable (String) -> Void
    ) -> String? {
        var contents = ResultArchive.Contents()
        if settings.html { contents.report = { @Sendable result in HTMLReport.render(result) } }
        if let raw {
            do {
                try raw.close()
                contents.rawSamples = raw.path
            } catch {
                say("the raw samples could not be archived: \(FileProblem.words(error))")
            }
        }
        var directory: String?
        do {
            let written = try ResultArchive(root: settings.output).write(&result, contents)
            directory = written.directory
            for problem in written.problems { say(problem) }
        } catch {
            say("could not write the result under \(settings.output): \(FileProblem.words(error))")
            Self.notAPass(&result, "its result could not be written under \(settings.output)")
        }
        if let junitPath = settings.junitPath {
            do {
                try ResultArchive.writeJUnit(result, to: junitPath)
            } catch {
                say("could not write the JUnit file to \(junitPath): \(FileProblem.words(error))")
                Self.notAPass(&result, "its JUnit file could not be written to \(junitPath)")
            }
        }
        return directory
    }

    /// A run whose results could not be written where asked is not a pass (CI would see nothing of it).
    static func notAPass(_ result: inout RunResult, _ why: String) {
        guard result.outcome == .pass else { return }
        result.outcome = .error
        result.exitCode = RunOutcome.error.exitCode
        result.reason = "the drill passed, but \(why)"
    }

    /// The command that finishes what a run of this session leaves undone, with its state directory.
    public var recoverCommand: RecoverCommand {
        RecoverCommand(target: target.file, stateDirectory: settings.stateDirectory)
    }

    /// `path` made absolute, as the ledger records it for watchdogs and `recover` that run elsewhere.
    public static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
