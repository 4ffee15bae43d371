import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// How a run ends when something outside the drill goes wrong: bad input, an unreachable
/// target, a control plane that refuses or never finishes, Ctrl-C. Faults are reverted in each.
@Suite(.serialized) struct RunFailureTests {
    @Test func aControlPlaneAnswering401FailsTheCutOverRevertsAndNeverPrintsTheToken() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // The same target, but its token comes from an environment variable holding a wrong token.
            let wrong = "wrong-\(UUID().uuidString)"
            var target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
            let fileLine = try #require(target.split(separator: "\n").first { $0.contains("token:") })
            target = target.replacingOccurrences(of: String(fileLine), with: "  token: { env: GAMEDAY_TEST_TOKEN }")
            let targetPath = "\(output)/target.yaml"
            try target.write(toFile: targetPath, atomically: true, encoding: .utf8)

            let run = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", targetPath,
                    "--output", output, "--state-dir", "\(output)/state",
                ],
                environment: ProcessInfo.processInfo.environment.merging(["GAMEDAY_TEST_TOKEN": wrong]) { $1 },
                timeout: .seconds(120))
            #expect(run.exitCode == 1, "\(run.transcript)")
            #expect(run.stdout.contains("FAIL  cutover"))
            #expect(run.stdout.contains("refused the request with 401"))
            #expect(run.stdout.contains("check the token given by the target's control_plane.token"))
            // The fault was reverted all the same; the cut-back met the same 401 and says so.
            #expect(
                run.stdout.contains(
                    "FAIL  rollback        cut-back failed: the control plane refused the request with 401"))
            #expect(run.stdout.contains("→ reverted: restarted as process"))
            #expect(try lab.pid(of: "beijing-product").map(ProcessTable().isAlive) == true)
            // The token (wrong or right) appears in no output and no archived file.
            for secret in [wrong, lab.token] {
                #expect(!run.stdout.contains(secret))
                #expect(!run.stderr.contains(secret))
                for file in FileManager.default.enumerator(atPath: output)?.compactMap({ $0 as? String }) ?? []
                where file.hasSuffix(".json") {
                    #expect(!(try String(contentsOfFile: "\(output)/\(file)", encoding: .utf8)).contains(secret))
                }
            }
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
                #expect(result.faults.first?.state == "reverted")
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
                let rollback = try #require(result.phases.first { $0.name == "rollback" }?.startedMs)
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
            control_plane: { url: "http://127.0.0.1:\(port)" }
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
