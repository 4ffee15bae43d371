import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@Suite struct LocalExecutorTests {
    let executor = LocalExecutor()

    @Test func runsArgvAndCapturesOutputAndExitCode() async throws {
        let output = try await executor.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(10))
        #expect(output.exitCode == 3)
        #expect(output.stdout == "out\n")
        #expect(output.stderr == "err\n")
        #expect(!output.timedOut)
    }

    @Test func argumentsAreNeverInterpretedByAShell() async throws {
        let output = try await executor.run(["echo", "$HOME; rm -rf /", "*"], timeout: .seconds(10))
        #expect(output.stdout == "$HOME; rm -rf / *\n")
    }

    @Test func aMissingProgramIsACommandError() async {
        await #expect(throws: CommandError.self) {
            try await executor.run(["gameday-no-such-program"], timeout: .seconds(5))
        }
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let pidFile = scratch.path("child.pid")
        // The shell starts a grandchild and waits; both must die on timeout.
        let output = try await executor.run(
            ["sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"], timeout: .milliseconds(500))
        #expect(output.timedOut)
        #expect(output.exitCode == 128 + SIGKILL)
        let grandchild = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await Scratch.eventually { !ProcessTable().isAlive(grandchild) })
    }

    @Test func aDaemonLeftBehindDoesNotHoldTheCommandOpen() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        // Like a restart command: it starts a long-lived service and returns at once.
        let output = try await executor.run(
            ["sh", "-c", "setsid sleep 60 > /dev/null 2>&1 & echo $! > \(scratch.path("daemon.pid")); echo started"],
            timeout: .seconds(20))
        #expect(output.stdout == "started\n")
        // Not timed out: it returned before its 20 s, while the daemon sleeps for 60.
        #expect(!output.timedOut)
    }
}
