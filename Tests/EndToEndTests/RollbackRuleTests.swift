import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Nothing harmed before a mistake is found, and no rollback that makes things worse, through the
/// built binary against the lab.
@Suite(.serialized) struct RollbackRuleTests {
    /// A copy of the lab's target, in `directory`, whose beijing product restarts with `restart`
    /// (a YAML flow list).
    static func target(_ lab: TestLab, in directory: String, productRestart restart: String) throws -> String {
        let lines = try String(contentsOfFile: lab.targetPath, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var inBeijing = false
        let changed = lines.map { line -> String in
            if line.hasPrefix("  ") && !line.hasPrefix("   ") { inBeijing = line.hasPrefix("  beijing:") }
            guard inBeijing, line.contains("product: {"), let start = line.range(of: "restart: ["),
                let end = line[start.upperBound...].range(of: "]")
            else { return String(line) }
            return line.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "restart: \(restart)")
        }
        let path = "\(directory)/target.yaml"
        try changed.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRevertThatFailsKeepsTheUsersWhereTheyAreServedUntilRecoverCanFinish() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // product's restart command runs, and fails: beijing stays broken after the drill.
            let target = try Self.target(lab, in: output, productRestart: "[/bin/false]")
            let run = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", target,
                    // A patient watchdog: on a loaded machine a short one can take a slow runner for a dead
                    // one and act during the rollback; what matters here is what it does after the run.
                    "--output", output, "--state-dir", "\(output)/state", "--watchdog-timeout", "30s",
                ], timeout: .seconds(120))
            #expect(run.exitCode == 1, "\(run.transcript)")
            #expect(
                run.stdout.contains("routing: NOT cut back (withheld): beijing is not healthy again"), "\(run.stdout)")
            // The exact command to finish, with the run's own (not the default) state directory.
            let recoverCommand = "gameday recover --target \(target) --state-dir \(output)/state"
            #expect(run.stdout.contains("run '\(recoverCommand)' once beijing is mended"), "\(run.stdout)")
            // 6000 stays on hangzhou, which serves it, even once the cut-over's watchdog has had its say.
            var watchdogLeftIt = false
            for _ in 0..<300 where !watchdogLeftIt {
                watchdogLeftIt = KilledRunnerTests.watchdogLogs("\(output)/state").contains("left for gameday recover")
                if !watchdogLeftIt { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(watchdogLeftIt, "\(KilledRunnerTests.watchdogLogs("\(output)/state"))")
            let served = try await lab.gateway("/storefront?userId=6000")
            #expect(
                served.status == 200 && served.header("X-Unit") == "hangzhou", "6000 was sent back to a broken beijing")
            #expect(!(try lab.groundTruth().contains { $0.cutover == "c-2" }), "a cut-back was sent")

            // recover while product still cannot restart: the cut-back is withheld again.
            let early = try await ChildProcess.run([lab.binary, "recover", "--state-dir", "\(output)/state"])
            #expect(early.exitCode == 1, "\(early.transcript)")
            #expect(early.stderr.contains("NOT cut back cutover (beijing) of run"), "\(early.stderr)")
            #expect(try await lab.gateway("/storefront?userId=6000").header("X-Unit") == "hangzhou")

            // Mended by hand, recover finishes: 6000 is beijing's again.
            let mend = try await ChildProcess.run([
                lab.binary, "lab", "restart-service", "--run-dir", lab.runDirectory, "--service", "beijing-product",
            ])
            #expect(mend.exitCode == 0, "\(mend.transcript)")
            let recover = try await ChildProcess.run([lab.binary, "recover", "--state-dir", "\(output)/state"])
            #expect(recover.exitCode == 0, "\(recover.transcript)")
            let back = try await lab.gateway("/storefront?userId=6000")
            #expect(back.status == 200 && back.header("X-Unit") == "beijing")
        }
    }

    /// Ctrl-C while the control plane's cut-over task runs (it holds each switch for 2 s): the
    /// rollback follows that task to its end before it sends the cut-back, never two at once.
    @Test func anInterruptDuringACutOverWaitsForItsTaskBeforeCuttingBack() async throws {
        try await TestLab.withLab(switchDelay: .seconds(2)) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let sent = SentOnce()
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output,
                onStderrLine: DrillRun.signal(SIGINT, when: "cutover", after: .milliseconds(300), sent: sent))
            #expect(sent.happened)
            #expect(run.output.exitCode == 4, "\(run.output.transcript)")
            #expect(run.output.stderr.contains("waiting for cut-over c-1 to finish before cutting back"))
            let truth = try lab.groundTruth()
            let done = try #require(truth.first { $0.cutover == "c-1" && $0.phase == "done" }?.unixMilliseconds)
            let cutback = try #require(
                truth.first { $0.cutover == "c-2" && $0.phase == "accepted" }?.unixMilliseconds,
                "no cut-back: \(truth)")
            #expect(done <= cutback, "the cut-back was accepted while the cut-over's task still ran")
            #expect(run.result?.cutback?.succeeded == true)
            #expect(try await lab.gateway("/storefront?userId=6000").header("X-Unit") == "beijing")
            #expect(LedgerStore(stateDirectory: "\(output)/state").pending().isEmpty)
        }
    }

    @Test func aRestartCommandThatCannotRunIsFoundBeforeTheKill() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let target = try Self.target(lab, in: output, productRestart: "[bin/start-product, --now]")
            let product = try lab.pid(of: "beijing-product")
            let run = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", target,
                    "--output", output, "--state-dir", "\(output)/state",
                ], timeout: .seconds(120))
            #expect(run.exitCode == 3, "\(run.transcript)")
            // Read from the target file's folder, not from the working directory.
            #expect(
                run.stdout.contains(
                    "its restart command cannot run (\(output)/bin/start-product is not an executable file)"),
                "\(run.stdout)")
            #expect(try lab.pid(of: "beijing-product") == product)
        }
    }

    @Test func anOutputThatCannotBeWrittenIsRefusedBeforeAnyHarm() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            // A file where a directory should be: no one, not even root, can write under it.
            let blocker = "\(scratch)/not-a-directory"
            try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
            let product = try lab.pid(of: "beijing-product")
            let places = [
                ["--output", "\(blocker)/results"],
                ["--output", "\(scratch)/results", "--junit", "\(blocker)/junit.xml"],
            ]
            for extra in places {
                let run = try await ChildProcess.run(
                    [
                        lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", lab.targetPath,
                        "--state-dir", "\(scratch)/state",
                    ] + extra, timeout: .seconds(60))
                #expect(run.exitCode == 3, "\(extra): \(run.transcript)")
                #expect(
                    run.stderr.contains("gameday: cannot write under \(blocker)"), "\(extra): \(run.stderr)")
                #expect(
                    run.stderr.contains(
                        "choose a place it can write (--output, --junit, --metrics-file); nothing was done"))
                #expect(try lab.pid(of: "beijing-product") == product, "\(extra): a fault was applied")
            }
        }
    }
}
