import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport

/// `gameday-bench ssh [--hosts 1,5,20] [--runs 10]`: one fault applied and reverted across N real
/// sshd hosts (an `SSHFleet`: an sshd per host in a network namespace, on this machine) through the
/// fan-out, over connections opened beforehand as a drill's preflight does.
///
/// Reference, measured interleaved in the same invocation: one round trip (`true`) to one host over
/// its open connection. The claim to check is that a fault costs about the slowest host, not the
/// sum over hosts: *apply ÷ slowest host* stays near 1 as N grows, while *apply ÷ reference* grows
/// only as much as the slowest of N hosts is slower than one (on one machine, the hosts' sshd and
/// the clients share its cores, which a real fleet does not).
enum SSHBench {
    struct Row {
        var hosts: Int
        var connect: Duration
        var reference = Samples()
        var apply = Samples()
        var applySlowest = Samples()
        var revert = Samples()
        var revertSlowest = Samples()
    }

    static func run(_ arguments: [String]) async throws -> String {
        var counts = [1, 5, 20]
        var runs = 10
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--hosts":
                counts = (rest.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            case "--runs":
                runs = Int(rest.popFirst() ?? "") ?? 0
            default: throw BenchError.usage("unknown argument \(argument); use --hosts 1,5,20 --runs 10")
            }
        }
        guard !counts.isEmpty, runs > 0 else { throw BenchError.usage("--hosts and --runs need positive numbers") }
        if let reason = SSHFleet.unavailableReason() { throw BenchError.failed(reason) }

        var rows: [Row] = []
        for count in counts {
            FileHandle.standardError.write(Data("ssh: \(count) host(s), \(runs) runs\n".utf8))
            rows.append(try await measure(hosts: count, runs: runs))
        }
        return table(rows, runs: runs)
    }

    static func measure(hosts count: Int, runs: Int) async throws -> Row {
        try await SSHFleet.with(units: 1, hostsPerUnit: count) { fleet in
            for host in fleet.hosts { try await fleet.startService(on: host) }
            let executors = fleet.hosts.map { fleet.executor($0) }
            let clock = ContinuousClock()
            var opened: [String] = []
            let connect = await clock.measure { opened = await everywhere(["true"], on: executors).failures }
            guard opened.isEmpty else {
                throw BenchError.failed("cannot reach the fleet: \(opened.joined(separator: "; "))")
            }
            var row = Row(hosts: count, connect: connect)
            for _ in 0..<runs {
                row.reference.append(await clock.measure { _ = await everywhere(["true"], on: [executors[0]]) })
                var applied: (slowest: Duration, failures: [String]) = (.zero, [])
                row.apply.append(
                    await clock.measure { applied = await everywhere(fleet.killServiceCommand, on: executors) })
                row.reference.append(await clock.measure { _ = await everywhere(["true"], on: [executors[0]]) })
                var reverted: (slowest: Duration, failures: [String]) = (.zero, [])
                row.revert.append(
                    await clock.measure { reverted = await everywhere(fleet.restartServiceCommand, on: executors) })
                guard applied.failures.isEmpty, reverted.failures.isEmpty else {
                    throw BenchError.failed(
                        "a host failed: \((applied.failures + reverted.failures).joined(separator: "; "))")
                }
                row.applySlowest.append(applied.slowest)
                row.revertSlowest.append(reverted.slowest)
            }
            for executor in executors { await executor.close() }
            return row
        }
    }

    /// `argv` on every host at once (as a fault's apply runs, 32 at a time): the slowest host's
    /// time, and each host that did not exit 0.
    static func everywhere(_ argv: [String], on executors: [SSHExecutor]) async
        -> (slowest: Duration, failures: [String])
    {
        let results = await FanOut.map(executors, concurrency: 32) { executor -> (Duration, String?) in
            let clock = ContinuousClock()
            let start = clock.now
            var failure: String?
            do throws(CommandError) {
                let output = try await executor.run(argv, timeout: .seconds(60))
                if output.exitCode != 0 || output.timedOut {
                    failure = "\(executor.name): exit \(output.exitCode) \(output.lastLine)"
                }
            } catch {
                failure = "\(executor.name): \(error.message)"
            }
            return (clock.now - start, failure)
        }
        return (results.map { $0.0 }.max() ?? .zero, results.compactMap { $0.1 })
    }

    static func table(_ rows: [Row], runs: Int) -> String {
        func ms(_ value: Duration) -> String { String(format: "%.1f", value.milliseconds) }
        func times(_ value: Double) -> String { String(format: "%.2f×", value) }
        var lines = [
            "| hosts | connect (ms) | reference p50 (ms) | apply p50 (ms) | apply p90 | apply ÷ ref | apply ÷ slowest host "
                + "| revert p50 (ms) | revert ÷ ref | revert ÷ slowest host |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for row in rows {
            let reference = row.reference.median
            lines.append(
                "| \(row.hosts) | \(ms(row.connect)) | \(ms(reference)) | \(ms(row.apply.median)) | "
                    + "\(ms(row.apply.percentile(90))) | \(times(row.apply.median.ratio(to: reference))) | "
                    + "\(times(row.apply.median.ratio(to: row.applySlowest.median))) | \(ms(row.revert.median)) | "
                    + "\(times(row.revert.median.ratio(to: reference))) | "
                    + "\(times(row.revert.median.ratio(to: row.revertSlowest.median))) |")
        }
        lines.append("")
        lines.append(
            "\(runs) runs per row; reference = one `true` round trip to one host over its open connection, "
                + "interleaved (\(runs * 2) samples per row); slowest host = the longest single host in the same fan-out."
        )
        return lines.joined(separator: "\n")
    }
}
