import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// One drill per target on this machine, whatever folder or state directory a run starts from:
/// the lock lives in the machine's lock directory, keyed by where the target is reached. Each test's
/// lab listens on ports of its own, so tests running at once never share a lock.
@Suite struct OneRunPerTargetTests {
    @Test func aSecondRunFromAnotherStateDirectoryIsRefusedAndStatusEverywhereSeesTheFirst() async throws {
        try await TestLab.withLab { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-one-run")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            // A drill that holds the target, its fault applied, until it is interrupted.
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: scratch,
                replacing: [("observe:\n  duration: 1s\n  timeout: 10s", "observe:\n  duration: 5m\n  timeout: 10m")])
            let (started, seen) = AsyncStream<pid_t>.makeStream()
            let first = Task {
                defer { seen.finish() }
                return try await ChildProcess.run(
                    [
                        lab.binary, "run", drill, "--target", lab.targetPath, "--state-dir", "\(scratch)/a/state",
                        "--output", "\(scratch)/a", "--watchdog-timeout", "5m",
                    ], timeout: .seconds(120),
                    onStderrLine: { line, pid in if line.hasSuffix("] == observe") { seen.yield(pid) } })
            }
            var lines = started.makeAsyncIterator()
            guard let pid = await lines.next() else {
                Issue.record("the first run never applied its fault: \(try await first.value.transcript)")
                return
            }
            let holder = "(pid \(pid), drill storefront-strong-dependency, state dir \(scratch)/a/state, since "

            // The same target file from another state directory.
            let second = try await ChildProcess.run([
                lab.binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", lab.targetPath,
                "--state-dir", "\(scratch)/b/state", "--output", "\(scratch)/b",
            ])
            #expect(second.exitCode == 3, "\(second.transcript)")
            #expect(second.stderr.contains("another drill is running against target lab: run "), "\(second.stderr)")
            #expect(second.stderr.contains(holder), "\(second.stderr)")
            #expect(second.stderr.contains("wait for it to finish"), "\(second.stderr)")

            // A copy of the target file, renamed, in another folder: the same system all the same.
            let copy = "\(scratch)/elsewhere/target.yaml"
            try FileManager.default.createDirectory(
                atPath: "\(scratch)/elsewhere", withIntermediateDirectories: true)
            let text = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
            #expect(text.hasPrefix("target: lab\n"))
            try text.replacingOccurrences(of: "target: lab\n", with: "target: lab-copy\n")
                .write(toFile: copy, atomically: true, encoding: .utf8)
            let third = try await ChildProcess.run([
                lab.binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", copy,
                "--state-dir", "\(scratch)/c/state", "--output", "\(scratch)/c",
            ])
            #expect(third.exitCode == 3, "\(third.transcript)")
            #expect(third.stderr.contains("another drill is running against target lab-copy: run "))
            #expect(third.stderr.contains(holder), "\(third.stderr)")

            // `status` from yet another state directory lists the run, for the target or for any, and
            // the fault it has applied (from the run's own ledger): something is applied, exit 1.
            for extra in [[], ["--target", copy]] {
                let status = try await ChildProcess.run(
                    [lab.binary, "status", "--state-dir", "\(scratch)/d/state"] + extra)
                #expect(status.exitCode == 1, "\(status.transcript)")
                #expect(status.stdout.contains("target lab: a drill is running: run "), "\(status.stdout)")
                #expect(status.stdout.contains(holder), "\(status.stdout)")
                #expect(
                    status.stdout.contains(
                        "  applied by it (it reverts them as it ends): fault product-down (beijing) of run "),
                    "\(status.stdout)")
            }
            let json = try await ChildProcess.run([lab.binary, "status", "--state-dir", "\(scratch)/d/state", "--json"])
            #expect(json.exitCode == 1, "\(json.transcript)")
            let report = try JSONDecoder().decode(StatusReport.self, from: Data(json.stdout.utf8))
            #expect(
                report.running.contains { $0.pid == pid && $0.stateDirectory == "\(scratch)/a/state" }, "\(json.stdout)"
            )
            #expect(report.pending.contains { $0.what == "product-down" && $0.state == .applied }, "\(json.stdout)")

            kill(pid, SIGINT)
            let output = try await first.value
            #expect(output.exitCode == 4, "\(output.transcript)")
            let after = try await ChildProcess.run([
                lab.binary, "status", "--state-dir", "\(scratch)/d/state", "--target", lab.targetPath,
            ])
            #expect(!after.stdout.contains("a drill is running"), "\(after.stdout)")
            // The run removed its lock file as it let go.
            let identity = TargetIdentity(try DrillLoader.loadTarget(path: lab.targetPath))
            let lockFile = "\(try LockDirectory.current().path)/\(identity.lockFileName)"
            #expect(!FileManager.default.fileExists(atPath: lockFile))
        }
    }
}

/// `gameday status --json`.
struct StatusReport: Decodable {
    var pending: [LedgerEntry]
    var running: [TargetLockRecord]
}
