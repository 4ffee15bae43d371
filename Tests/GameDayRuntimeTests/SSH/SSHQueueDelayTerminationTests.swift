import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// The delayer's `.terminate` step as plain commands (what an SSH host's dead-man's switch runs,
/// and what a ledger recipe runs there): it ends what it finds, SIGKILL after the grace, never the
/// shells carrying it, and finding nothing is not a failure. Run here: the script is POSIX sh.
@Suite struct SSHQueueDelayTerminationTests {
    static let python = "/usr/bin/python3"

    /// A process whose command line holds `--tag TAG/delayer ` as a delayer's does; `ignoringTerm`
    /// makes it outlive SIGTERM.
    static func fakeDelayer(_ scratch: Scratch, tag: String, ignoringTerm: Bool = false) throws -> Process {
        let body =
            ignoringTerm
            ? "import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
            : "import time; time.sleep(300)"
        return try scratch.start([python, "-c", body, "--tag", "\(tag)/delayer", "--queue", "1"])
    }

    static func step(_ tag: String, grace: Int = 3) -> RevertRecipe.Step {
        .terminate(locator: .commandLine("--tag \(tag)/delayer "), what: "the delayer of \(tag)", graceSeconds: grace)
    }

    static func waitGone(_ process: Process) async -> Bool {
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        return !process.isRunning
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python), "needs python3 for a stand-in delayer"))
    func asTheSwitchRunsItItEndsTheDelayerAndSparesItsOwnShells() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let tag = "gameday_term\(UUID().uuidString.prefix(6).lowercased())_1"
        let delayer = try Self.fakeDelayer(scratch, tag: tag)
        try await Task.sleep(for: .milliseconds(200))
        let commands = Self.step(tag).idempotentCommands
        #expect(commands.count == 1)
        // The switch's form: every command quoted into one sh line, `|| true` after each.
        let line = commands.map { RemoteShell.commandLine($0) + " || true" }.joined(separator: "; ") + "; echo survived"
        let output = try await LocalExecutor().run(["sh", "-c", line], timeout: .seconds(20))
        #expect(output.stdout.contains("\(delayer.processIdentifier)\n"), "\(output.stdout) \(output.stderr)")
        #expect(output.stdout.contains("survived"), "the shell carrying the pattern was spared: \(output.stdout)")
        #expect(await Self.waitGone(delayer))

        // Again: nothing left, nothing printed, exit 0.
        let again = try await LocalExecutor().run(commands[0], timeout: .seconds(20))
        #expect(again.exitCode == 0 && again.stdout.isEmpty, "\(again.stdout) \(again.stderr)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python), "needs python3 for a stand-in delayer"))
    func aDelayerThatIgnoresSIGTERMGetsSIGKILLAfterTheGrace() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let tag = "gameday_term\(UUID().uuidString.prefix(6).lowercased())_2"
        let delayer = try Self.fakeDelayer(scratch, tag: tag, ignoringTerm: true)
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        let output = try await LocalExecutor().run(
            RemoteTermination.command(for: .commandLine("--tag \(tag)/delayer "), graceSeconds: 1),
            timeout: .seconds(20))
        #expect(output.exitCode == 0, "\(output.stderr)")
        #expect(ContinuousClock.now - started >= .milliseconds(900), "SIGKILL only after the grace")
        #expect(await Self.waitGone(delayer))
    }

    @Test func otherStepsKeepTheirCommands() {
        #expect(RevertRecipe.Step.signal(name: "CONT", pids: [1]).idempotentCommands.isEmpty)
        #expect(RevertRecipe.Step.command(argv: ["true"], okExitCodes: []).idempotentCommands == [["true"]])
    }
}
