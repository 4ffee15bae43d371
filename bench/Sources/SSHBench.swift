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
            let fanOut = FanOut(concurrency: 32, timeout: .seconds(60))
            let clock = ContinuousClock()
            var opened: FanOutResult?
            let connect = await clock.measure { opened = await fanOut.run([["true"]], on: executors) }
            guard let opened, opened.outcome == .complete else {
                throw BenchError.failed("cannot reach the fleet: \(opened?.summary ?? "")")
            }
            var row = Row(hosts: count, connect: connect)
            for _ in 0..<runs {
                row.reference.append(await clock.measure { _ = await fanOut.run([["true"]], on: [executors[0]]) })
                var applied: FanOutResult?
                row.apply.append(
                    await clock.measure { applied = await fanOut.run([fleet.killServiceCommand], on: executors) })
                row.reference.append(await clock.measure { _ = await fanOut.run([["true"]], on: [executors[0]]) })
                var reverted: FanOutResult?
                row.revert.append(
                    await clock.measure { reverted = await fanOut.run([fleet.restartServiceCommand], on: executors) })
                guard let applied, let reverted, applied.outcome == .complete, reverted.outcome == .complete else {
                    throw BenchError.failed("a host failed: \(applied?.summary ?? "") \(reverted?.summary ?? "")")
                }
                row.applySlowest.append(applied.hosts.map(\.duration).max() ?? .zero)
                row.revertSlowest.append(reverted.hosts.map(\.duration).max() ?? .zero)
            }
            for executor in executors { await executor.close() }
            return row
        }
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
