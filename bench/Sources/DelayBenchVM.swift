import Foundation
import GameDayCore
import GameDayRuntime

/// The netem side of `gameday-bench delay`: this machine's kernel has no sch_netem, so the same
/// measurement runs in the VM (`scripts/vm.sh`: Debian's kernel under QEMU, this machine's root
/// read-only), once with netem and once with the nfqueue delayer (behind nft's `queue`, as the VM's
/// kernel has no xt_NFQUEUE), against a reference taken in the VM. The guest's bench prints its
/// rows as one JSON line, which this reads back.
enum DelayBenchVM {
    /// Marks the JSON line among the guest's output.
    static let resultPrefix = "gameday-bench-delay-json: "

    /// What became of the VM part; `failure` says plainly why there are no VM rows.
    struct Outcome: Codable, Sendable {
        /// `scripts/vm.sh check`'s line.
        var check = ""
        /// Wall time of `scripts/vm.sh run -- true`: one boot, nothing run.
        var bootSeconds: Double?
        /// vm.sh's own account of that boot ("booted in 5.44s, command done at 6.61s, exit 0").
        var bootLine: String?
        /// Wall time of the whole measurement in the VM, boot included.
        var benchSeconds: Double?
        var failure: String?
    }

    static func measure(_ options: DelayBenchOptions, executable: String) async -> (Outcome, [DelayBenchRow]) {
        var outcome = Outcome()
        progress("\(options.vm) check")
        let check = try? await LocalExecutor().run([options.vm, "check"], timeout: .seconds(60))
        outcome.check = check.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard let check, check.exitCode == 0 else {
            outcome.failure =
                "the VM does not work here; \(options.vm) check says "
                + "'\(outcome.check.isEmpty ? check?.lastLine ?? "nothing (it could not run)" : outcome.check)'"
            progress(outcome.failure ?? "")
            return (outcome, [])
        }

        progress("one boot: \(options.vm) run -- true")
        let (boot, bootTime) = await run([options.vm, "run", "--timeout", "300", "--", "true"], timeout: .seconds(330))
        outcome.bootSeconds = bootTime.milliseconds / 1_000
        outcome.bootLine = boot.stderr.split(whereSeparator: \.isNewline).last { $0.contains("booted in") }
            .map { String($0.dropFirst("vm: ".count)) }
        guard boot.exitCode == 0 else {
            outcome.failure = "\(options.vm) run -- true failed (exit \(boot.exitCode)): \(lastLines(boot.stderr))"
            progress(outcome.failure ?? "")
            return (outcome, [])
        }

        progress("the same measurement in the VM, with netem and nfqueue (a few minutes under TCG)")
        let argv =
            [
                options.vm, "run", "--timeout", "1200", "--", executable, "delay", "--backends", "netem,nfqueue",
                "--queue-rule", "nft", "--vm", "none", "--emit", "json", "--gameday", options.gameday, "--run-id",
                options.runID,
            ] + options.sharedArguments
        let (inside, benchTime) = await run(argv, timeout: .seconds(1_260))
        outcome.benchSeconds = benchTime.milliseconds / 1_000
        var rows: [DelayBenchRow] = []
        for line in inside.stdout.split(whereSeparator: \.isNewline) {
            if line.hasPrefix(resultPrefix) {
                let report = try? JSONDecoder().decode(
                    DelayBenchReport.self, from: Data(line.dropFirst(resultPrefix.count).utf8))
                rows = report?.rows ?? []
            } else {
                FileHandle.standardError.write(Data("  vm| \(line)\n".utf8))
            }
        }
        if rows.isEmpty {
            outcome.failure =
                "the VM booted but its measurement gave no rows (exit \(inside.exitCode)): "
                + lastLines(inside.stdout + inside.stderr)
            progress(outcome.failure ?? "")
        }
        return (outcome, rows)
    }

    /// Runs `vm.sh` and times it. Started and awaited on a thread of its own, under
    /// `setpriv --pdeathsig TERM`: if the bench dies, that thread dies, vm.sh gets SIGTERM and kills
    /// QEMU on its way out, so no VM outlives the bench.
    static func run(_ argv: [String], timeout: Duration) async -> (CommandOutput, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let output = await OwnThread.run { () -> CommandOutput in
            let spawn = Spawn(
                ["setpriv", "--pdeathsig", "TERM", "--"] + argv, searchesPath: true, standardOutput: .temporaryFile,
                standardError: .temporaryFile)
            do {
                let completion = try spawn.start().finish(deadline: .now + timeout)
                return CommandOutput(
                    exitCode: completion.exitCode, stdout: completion.stdout, stderr: completion.stderr,
                    timedOut: completion.timedOut)
            } catch {
                return CommandOutput(exitCode: 127, stderr: error.localizedDescription)
            }
        }
        return (output, clock.now - start)
    }

    static func lastLines(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " / ")
    }

    static func progress(_ line: String) { DelayBench.progress("VM: \(line)") }
}
