import Foundation
import GameDayCore

/// Runs commands on this host, each in its own process group so that a timeout or the caller's
/// cancellation kills it and everything it started (`Spawn`).
public struct LocalExecutor: CommandExecutor {
    public let name = "local"

    /// How much of each output stream is kept: enough for any message or JSON a command gives.
    static let outputLimit = 1 << 20

    public init() {}

    public func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        guard !argv.isEmpty else { throw CommandError(argv: argv, message: "empty command") }
        // Output goes to unlinked temporary files, not pipes: a command that leaves a daemon
        // behind (a restart) must not keep us waiting for the pipe to close.
        let spawn = Spawn(argv, searchesPath: true, standardOutput: .temporaryFile, standardError: .temporaryFile)
        let completion: SpawnedProcess.Completion
        do {
            completion = try await spawn.run(timeout: timeout, outputLimit: Self.outputLimit)
        } catch {
            switch error.step {
            case .start: throw CommandError(argv: argv, message: error.reason)
            case .output: throw CommandError(argv: argv, message: "cannot create a temporary file: \(error.reason)")
            case .cancelled: throw CommandError(argv: argv, message: "not started: the run was cancelled")
            }
        }
        guard !completion.cancelled else {
            throw CommandError(argv: argv, message: "cancelled: the command and everything it started were killed")
        }
        return CommandOutput(
            exitCode: completion.exitCode, stdout: completion.stdout, stderr: completion.stderr,
            timedOut: completion.timedOut)
    }
}
