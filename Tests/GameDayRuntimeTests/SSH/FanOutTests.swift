import Foundation
import GameDayCore
import Synchronization
import Testing

@testable import GameDayRuntime

@Suite struct FanOutTests {
    /// A host that answers from a script and records what it ran and how many ran at once.
    final class ScriptedHost: CommandExecutor, Sendable {
        let name: String
        let answer: @Sendable ([String]) throws(CommandError) -> CommandOutput
        let ran = Mutex<[[String]]>([])
        let gauge: InFlight?

        init(
            _ name: String, gauge: InFlight? = nil,
            answer: @escaping @Sendable ([String]) throws(CommandError) -> CommandOutput = { _ in
                CommandOutput(exitCode: 0)
            }
        ) {
            self.name = name
            self.gauge = gauge
            self.answer = answer
        }

        func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
            ran.withLock { $0.append(argv) }
            gauge?.enter()
            defer { gauge?.leave() }
            try? await Task.sleep(for: .milliseconds(2))
            return try answer(argv)
        }
    }

    /// Counts commands in flight and remembers the most at once.
    final class InFlight: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    let plan = [["kill", "-KILL", "42"], ["true"]]

    @Test func everyHostSucceedingIsComplete() async {
        let hosts = (0..<5).map { ScriptedHost("h\($0)") }
        let result = await FanOut().run(plan, on: hosts)
        #expect(result.outcome == .complete)
        #expect(result.hosts.map(\.host) == ["h0", "h1", "h2", "h3", "h4"])
        #expect(result.hosts.allSatisfy { $0.exitCode == 0 && $0.error == nil && $0.ended >= $0.started })
        #expect(hosts.allSatisfy { $0.ran.withLock { $0 } == plan })
        #expect(!result.shouldStop(under: .abort))
    }

    @Test func oneHostFailingIsPartialAndThePolicyDecides() async {
        let hosts = [
            ScriptedHost("up"),
            ScriptedHost("down") { argv throws(CommandError) in
                throw CommandError(argv: argv, message: "ssh to root@down:22: host unreachable")
            },
            ScriptedHost("refusing") { _ in CommandOutput(exitCode: 3, stderr: "one\ntwo\nrefused by policy\n") },
        ]
        let result = await FanOut(tailLines: 2).run(plan, on: hosts)
        #expect(result.outcome == .partial)
        #expect(result.shouldStop(under: .abort))
        #expect(!result.shouldStop(under: .continue))
        #expect(result.failures.map(\.host) == ["down", "refusing"])
        #expect(result.hosts[1].exitCode == nil)
        #expect(result.hosts[1].error == "ssh to root@down:22: host unreachable")
        #expect(result.hosts[2].exitCode == 3)
        #expect(result.hosts[2].stderrTail == "two\nrefused by policy")
        #expect(result.hosts[2].error == "kill -KILL 42 failed (exit 3): refused by policy")
        // A host stops at its first failing step.
        #expect(hosts[2].ran.withLock { $0 } == [plan[0]])
        #expect(result.summary.hasPrefix("partial: 1 of 3 hosts; failed: down (ssh to root@down:22"))
    }

    @Test func noHostSucceedingIsFailedWhateverThePolicy() async {
        let hosts = (0..<3).map { index in ScriptedHost("h\(index)") { _ in CommandOutput(exitCode: 1) } }
        let result = await FanOut().run(plan, on: hosts)
        #expect(result.outcome == .failed)
        #expect(result.shouldStop(under: .continue))
        #expect(FanOutResult(hosts: []).outcome == .failed)
    }

    @Test func aTimeoutIsAFailureWithoutAnExitCode() async {
        let host = ScriptedHost("slow") { _ in CommandOutput(exitCode: 137, timedOut: true) }
        let result = await FanOut(timeout: .seconds(2)).run([["sleep", "9"]], on: [host])
        #expect(result.hosts[0].exitCode == nil)
        #expect(result.hosts[0].error == "sleep 9 timed out after 2s")
    }

    @Test(arguments: [1, 3, 8])
    func neverRunsMoreThanTheLimitAtOnce(limit: Int) async {
        let gauge = InFlight()
        let hosts = (0..<12).map { ScriptedHost("h\($0)", gauge: gauge) }
        let result = await FanOut(concurrency: limit).run([["true"]], on: hosts)
        #expect(result.outcome == .complete)
        #expect(gauge.most <= limit)
        #expect(hosts.allSatisfy { $0.ran.withLock { $0.count } == 1 })
    }

    @Test func tailsKeepTheLastLines() {
        #expect(FanOut.tail("a\nb\nc\n\n", lines: 2) == "b\nc")
        #expect(FanOut.tail("", lines: 2) == "")
        #expect(FanOut.tail("only", lines: 5) == "only")
    }
}
