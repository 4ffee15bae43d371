import Foundation
import GameDayCore

/// Runs one hook on this host: its argv rendered with the run's values, without a shell, in a
/// process group of its own that is killed, with everything it started, at the hook's timeout
/// (`Spawn`); its stdout and stderr, bounded and redacted, go to `hooks/<name>.log` in the archive.
struct HookRunner: Sendable {
    /// The run's archive directory; nil keeps no log.
    var archive: String?
    /// The variables every hook gets besides this process's own (`GAMEDAY_RUN_ID`...).
    var environment: [String: String]
    /// Replaces every secret value in a text by `***`.
    var redact: @Sendable (String) -> String

    /// How much of a hook's output is kept in its log.
    static let logLimit = 256 * 1024
    static let logFolder = "hooks"

    /// How a hook ended.
    struct Ending: Sendable {
        var outcome: HookRecord.Outcome
        var exitCode: Int32?
        /// Why it failed, in words; nil when it exited 0.
        var failure: String?
        var argv: [String]
        var log: String?
    }

    /// Runs `hook` as `logName` (its name, made unique in the run) with the values of `context`
    /// and the extra variables `phase` (and `outcome` after the run).
    func run(_ hook: Hook, logName: String, context: TemplateContext, extra: [String: String]) async -> Ending {
        let command: RenderedCommand
        do {
            command = try RenderedCommand(hook.run, context: context)
        } catch {
            return Ending(
                outcome: .failed, failure: "its command cannot be rendered: \(redact("\(error)"))",
                argv: hook.run.argv.map { "\($0)" })
        }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        variables.merge(extra) { $1 }
        variables["GAMEDAY_HOOK"] = hook.name
        // Output to an unlinked temporary file, stderr beside stdout in the order written: a hook
        // that leaves a daemon behind does not keep the run waiting for a pipe to close.
        let spawn = Spawn(
            command.argv, searchesPath: true, environment: variables, standardOutput: .temporaryFile,
            standardError: .standardOutput)
        let completion: SpawnedProcess.Completion
        do {
            completion = try await spawn.run(timeout: hook.timeout, outputLimit: Self.logLimit)
        } catch {
            return Ending(
                outcome: .failed, failure: error.errorDescription ?? "it could not be started", argv: command.display)
        }
        let log = writeLog(logName, completion.stdout, truncated: completion.stdout.utf8.count >= Self.logLimit)
        if completion.timedOut {
            return Ending(
                outcome: .timedOut, exitCode: completion.exitCode,
                failure: "it ran past its timeout of \(DurationText.format(hook.timeout)) and was killed",
                argv: command.display, log: log)
        }
        if completion.cancelled {
            return Ending(
                outcome: .failed, exitCode: completion.exitCode,
                failure: "the run was interrupted: it was killed with everything it started", argv: command.display,
                log: log)
        }
        guard completion.exitCode == 0 else {
            let last = redact(completion.stdout).split(whereSeparator: \.isNewline).last.map { ": \($0)" } ?? ""
            return Ending(
                outcome: .failed, exitCode: completion.exitCode,
                failure: "exited with status \(completion.exitCode)\(last.prefix(300))", argv: command.display,
                log: log)
        }
        return Ending(outcome: .ok, exitCode: 0, argv: command.display, log: log)
    }

    /// Writes the log, secrets redacted; returns its path in the archive, nil when there is no
    /// archive or it could not be written (the hook's outcome does not depend on it).
    private func writeLog(_ name: String, _ output: String, truncated: Bool) -> String? {
        guard let archive else { return nil }
        let folder = "\(archive)/\(Self.logFolder)"
        let relative = "\(Self.logFolder)/\(name).log"
        var text = redact(output)
        if truncated { text += "\n[gameday: the output was cut at \(Self.logLimit) bytes]\n" }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(archive)/\(relative)"), options: .atomic)
            return relative
        } catch {
            return nil
        }
    }
}
