import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// How a run ends when something outside the drill goes wrong: bad input, an unreachable
/// target, a control plane that refuses or never finishes, Ctrl-C. Faults are reverted in each.
@Suite(.serialized) struct RunFailureTests {
    /// A copy of the lab's target whose token comes from `GAMEDAY_TEST_TOKEN`, with or without
    /// the lab's `control_plane.check`.
    static func targetWithTokenFromTheEnvironment(_ lab: TestLab, in output: String, check: Bool) throws -> String {
        var target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
        let fileLine = try #require(target.split(separator: "\n").first { $0.contains("token:") })
        target = target.replacingOccurrences(of: String(fileLine), with: "  token: { env: GAMEDAY_TEST_TOKEN }")
        if !check {
            let checkLine = try #require(target.split(separator: "\n").first { $0.contains("check:") })
            target = target.replacingOccurrences(of: String(checkLine) + "\n", with: "")
        }
        let path = "\(output)/target.yaml"
        try target.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The strong-dependency drill against `target`, its token in `GAMEDAY_TEST_TOKEN`.
    static func run(_ lab: TestLab, target: String, token: String, output: String) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [
                lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", target, "--output",
                output, "--state-dir", "\(output)/state",
            ],
            environment: ProcessInfo.processInfo.environment.merging(["GAMEDAY_TEST_TOKEN": token]) { $1 },
            timeout: .seconds(120))
    }

    /// The token (wrong or right) appears in no output and no archived file.
    static func expectNoSecret(_ secrets: [String], in run: ChildProcess.Output, output: String) throws {
        for secret in secrets {
            #expect(!run.stdout.contains(secret))
            #expect(!run.stderr.contains(secret))
            for file in FileManager.default.enumerator(atPath: output)?.compactMap({ $0 as? String }) ?? []
            where file.hasSuffix(".json") {
                #expect(!(try String(contentsOfFile: "\(output)/\(file)", encoding: .utf8)).contains(secret))
            }
        }
    }

    /// The lab's target names a check that needs the token: a wrong one stops the preflight, exit 3,
    /// before any fault.
    @Test func aWrongTokenIsRefusedInThePreflightBeforeAnyHarm() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let wrong = "wrong-\(UUID().uuidString)"
            let targetPath = try Self.targetWithTokenFromTheEnvironment(lab, in: output, check: true)
            let product = try lab.pid(of: "beijing-product")
            let run = try await Self.run(lab, target: targetPath, token: wrong, output: output)
            #expect(run.exitCode == 3, "\(run.transcript)")
            #expect(
                run.stdout.contains(
                    "why: the control plane refused the credentials (401 to GET \(lab.controlPlaneURL)/v1/rules): "
                        + "check the token given by the target's control_plane.token; nothing was applied"),
                "\(run.stdout)")
            #expect(try lab.pid(of: "beijing-product") == product, "a fault was applied")
            #expect(try lab.groundTruth().isEmpty, "a cut-over was sent")
            try Self.expectNoSecret([wrong, lab.token], in: run, output: output)
        }
    }

    /// Without a check, a wrong token shows only when the cut-over is sent: the fault is reverted,
    /// and the refused cut-over moved nobody, so no cut-back is sent.
    @Test func withoutACheckA401AtTheCutOverFailsItRevertsAndSendsNoCutBack() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let wrong = "wrong-\(UUID().uuidString)"
            let targetPath = try Self.targetWithTokenFromTheEnvironment(lab, in: output, check: false)
            let run = try await Self.run(lab, target: targetPath, token: wrong, output: output)
            #expect(run.exitCode == 1, "\(run.transcript)")
            #expect(run.stdout.contains("control plane reachable (credentials not verified)"))
            #expect(run.stdout.contains("FAIL  cutover"))
            #expect(run.stdout.contains("refused the request with 401"))
            #expect(run.stdout.contains("check the token given by the target's control_plane.token"))
            #expect(run.stdout.contains("PASS  rollback        1 fault(s) reverted"), "\(run.stdout)")
            #expect(!run.stdout.contains("routing:"), "a cut-back was sent for a refused cut-over")
            #expect(run.stdout.contains("→ reverted: restarted as process"))
            #expect(try lab.pid(of: "beijing-product").map(ProcessTable().isAlive) == true)
            #expect(try lab.groundTruth().isEmpty)
            try Self.expectNoSecret([wrong, lab.token], in: run, output: output)
        }
    }

    @Test func aCutOverThatNeverFinishesTimesOutAndSaysWhereItStuck() async throws {
        // The control plane holds every cut-over in its switch phase for 4s; the drill waits 1s.
        try await TestLab.withLab(switchDelay: .seconds(4)) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [("    timeout: 30s\n\nrecovery:", "    timeout: 1s\n\nrecovery:")])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            #expect(run.output.exitCode == 1, "\(run.output.transcript)")
            let cutover = try #require(run.verdict("cutover"))
            #expect(cutover.status == .fail)
            #expect(cutover.message.hasPrefix("the cut-over was not done after 1s (last state 'switch'"))
            #expect(run.verdict("recovery")?.status == .fail)
            #expect(try lab.pid(of: "beijing-product").map(ProcessTable().isAlive) == true)
            // Its task still runs: no cut-back beside it. The ledger keeps the cut-over for recover,
            // which cuts back once the task has finished.
            let rollback = try #require(run.verdict("rollback"))
            #expect(
                rollback.message.contains("cut-back withheld: cut-over c-1 has not finished (last state 'switch')"),
                "\(rollback.message)")
            #expect(!(try lab.groundTruth().contains { $0.cutover == "c-2" }), "a cut-back was sent")
            var done = false
            for _ in 0..<200 where !done {
                done = (try? lab.groundTruth().contains { $0.cutover == "c-1" && $0.phase == "done" }) == true
                if !done { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(done, "the cut-over never finished")
            let recover = try await ChildProcess.run([
                lab.binary, "recover", "--state-dir", "\(output)/state", "--target", lab.targetPath,
            ])
            #expect(recover.exitCode == 0, "\(recover.transcript)")
            let after = try await lab.gateway("/storefront?userId=6000")
            #expect(after.header("X-Unit") == "beijing")
        }
    }

    @Test func interruptingARunRevertsTheFaultAndExitsWith4() async throws {
        for signal in [SIGINT, SIGTERM] {
            try await TestLab.withLab { lab in
                let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
                defer { try? FileManager.default.removeItem(atPath: output) }
                // A long observation so the signal lands while product is down.
                let drill = try DrillRun.variant(
                    of: "storefront-strong-dependency", in: output,
                    replacing: [
                        ("observe:\n  duration: 1s\n  timeout: 10s", "observe:\n  duration: 30s\n  timeout: 60s")
                    ])
                let killed = try #require(try lab.pid(of: "beijing-product"))
                let run = Task { try await DrillRun.run(drill, lab: lab, output: output) }
                // Wait until the fault is in place, then interrupt the runner.
                let table = ProcessTable()
                var waited = 0
                while table.isAlive(killed), waited < 400 {
                    try await Task.sleep(for: .milliseconds(50))
                    waited += 1
                }
                let runner = try #require(try table.find(.commandLine("--output \(output)")).first)
                kill(runner, signal)
                if signal == SIGINT {
                    // An impatient second Ctrl-C must not skip the reverts.
                    try await Task.sleep(for: .milliseconds(30))
                    kill(runner, SIGINT)
                }
                let finished = try await run.value
                #expect(finished.output.exitCode == 4, "\(finished.output.transcript)")
                let result = try #require(finished.result)
                #expect(result.outcome == .aborted)
                #expect(result.faults.first?.state == .reverted)
                #expect(finished.output.stderr.contains("stopping the drill and reverting every fault"))
                let restarted = try #require(try lab.pid(of: "beijing-product"))
                #expect(restarted != killed)
                #expect(table.isAlive(restarted))
            }
        }
    }

    /// Probes at the shortest interval a drill may ask for (1 ms): the run still answers an
    /// interrupt at once, by the run's own clock. (At 1 µs, before that interval was refused, a run
    /// spun before injecting and ignored SIGINT.) Only the steady state: so many probes can overload
    /// the lab's debug build, which may then fail the steady state before any later phase.
    @Test func aRunProbingEveryMillisecondAnswersAnInterruptWithinASecond() async throws {
        for phase in ["preflight", "steady-state"] {
            try await TestLab.withLab { lab in
                let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
                defer { try? FileManager.default.removeItem(atPath: output) }
                let drill = try DrillRun.variant(
                    of: "storefront-strong-dependency", in: output,
                    replacing: [("  interval: 100ms\n  timeout: 1s", "  interval: 1ms\n  timeout: 1s")])
                let sent = SentOnce()
                let finished = try await DrillRun.run(
                    drill, lab: lab, output: output, onStderrLine: DrillRun.signal(SIGINT, when: phase, sent: sent))
                let run = finished.output
                #expect(sent.happened, "\(phase) never started: \(run.transcript)")
                #expect(run.exitCode == 4, "\(phase): \(run.transcript)")
                let result = try #require(finished.result, "\(phase): no result: \(run.transcript)")
                let interrupted = try #require(result.interruptedMs)
                let rollback = try #require(result.phases.first { $0.name == .rollback }?.startedMs)
                #expect(
                    rollback - interrupted < 1000, "\(phase): the rollback began \(rollback - interrupted) ms after")
                #expect(try lab.pid(of: "beijing-product").map(ProcessTable().isAlive) == true)
            }
        }
    }

    @Test func anUnreachableTargetCannotRunAndChangesNothing() async throws {
        let binary = try GameDayBinary.path
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try freePort()
        let target = """
            target: nowhere
            gateway: { url: "http://127.0.0.1:\(port)" }
            control_plane: { url: "http://127.0.0.1:\(port)", token: { env: HOME } }
            routing:
              ranges: [{ from: 0, to: 4999, unit: hangzhou }, { from: 5000, to: 9999, unit: beijing }]
            units:
              beijing:
                services:
                  product: { process: { pid_file: product.pid }, restart: [true] }
              hangzhou:
                services: {}
            """
        try target.write(toFile: "\(directory)/target.yaml", atomically: true, encoding: .utf8)
        let run = try await ChildProcess.run(
            [
                binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", "\(directory)/target.yaml",
                "--output", directory,
            ])
        #expect(run.exitCode == 3, "\(run.transcript)")
        #expect(run.stdout.contains("ERROR (exit 3)"))
        #expect(run.stdout.contains("why: the control plane is unreachable at http://127.0.0.1:\(port)"))
    }

    @Test func anInvalidDrillIsRefusedWithLocationsAndExit2() async throws {
        let binary = try GameDayBinary.path
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let drill = try DrillRun.variant(
            of: "storefront-strong-dependency", in: directory,
            replacing: [("  interval: 100ms", "  intreval: 100ms"), ("rto: 5s", "rto: 5")])
        let run = try await ChildProcess.run([binary, "validate", drill])
        #expect(run.exitCode == 2)
        #expect(
            run.stderr.contains("\(drill):10:3: error: unknown key 'intreval' in 'probe' (did you mean 'interval'?)"))
        #expect(run.stderr.contains("error: expected a duration such as '250ms', '5s' or '2m', found '5'"))
        let ok = try await ChildProcess.run([
            binary, "validate", DrillRun.shipped("storefront-strong-dependency"),
            DrillRun.shipped("storefront-weak-dependency"),
        ])
        #expect(ok.exitCode == 0, "\(ok.transcript)")
    }
}
