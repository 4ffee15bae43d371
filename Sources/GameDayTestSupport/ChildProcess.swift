import Foundation
import GameDayCore
import GameDayRuntime

/// Runs a program to completion and collects its output: argv only, never a shell.
public enum ChildProcess {
    /// What a finished program left behind.
    public typealias Output = SpawnedProcess.Completion

    /// A program that could not be started.
    public struct LaunchFailure: Error, CustomStringConvertible, Sendable {
        public var argv: [String]
        public var code: Int32
        public var description: String { "cannot run \(argv.first ?? "?"): \(String(cString: strerror(code)))" }
    }

    /// Runs `argv` (`argv[0]` a path) in its own process group, with every signal at its default
    /// (the caller may block or ignore some); after `timeout` the whole group gets SIGKILL so
    /// nothing it started in that group outlives the call. Completes even when the calling task
    /// is cancelled (cleanup relies on that: `TestLab.withLab` takes its lab down).
    ///
    /// `onStderrLine` is told each line of stderr as it arrives, with the program's pid: a test can
    /// act on the program's own progress (signal it when a phase starts) instead of sleeping.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, timeout: Duration = .seconds(60),
        onStderrLine: (@Sendable (_ line: String, _ pid: pid_t) -> Void)? = nil
    ) async throws -> Output {
        let spawn = Spawn(argv, environment: environment, standardOutput: .pipe, standardError: .pipe)
        do {
            return try await spawn.run(timeout: timeout, whenCancelled: .finish, onStandardErrorLine: onStderrLine)
        } catch {
            throw LaunchFailure(argv: argv, code: error.code)
        }
    }
}

extension SpawnedProcess.Completion {
    /// stdout and stderr, for failure messages.
    public var transcript: String {
        "exit \(exitCode)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}
