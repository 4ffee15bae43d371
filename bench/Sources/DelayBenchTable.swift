import Foundation

/// The Markdown tables of `gameday-bench delay`: accuracy, rate, the delayer's own tallies, and
/// the VM's cost (or why the VM part did not run).
enum DelayBenchTable {
    static func render(_ report: DelayBenchReport, options: DelayBenchOptions) -> String {
        var lines: [String] = []
        lines += accuracy(report.rows.filter { $0.kind == .accuracy }, options: options)
        lines += [""] + rates(report.rows.filter { $0.kind == .rate }, options: options)
        lines += [""] + tallies(report.rows.filter { $0.tally != nil })
        if let vm = report.vm { lines += [""] + self.vm(vm) }
        return lines.joined(separator: "\n")
    }

    static func accuracy(_ rows: [DelayBenchRow], options: DelayBenchOptions) -> [String] {
        var lines = [
            "| place | backend | requested | packets/s | received of sent | path alone p50 | added min | added p50 "
                + "| added p99 | added max | added p50 ÷ requested | reordered | delayer CPU ms per 1,000 packets |",
            "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for row in rows {
            let summary = row.measured
            lines.append(
                "| \(row.place) | \(row.backend) | \(row.setting) | \(row.rate) | \(summary.received) of \(row.sender.sent) "
                    + "| \(ms(Double(row.reference.p50) / 1e6)) | \(ms(row.added(summary.minimum))) "
                    + "| \(ms(row.added(summary.p50))) | \(ms(row.added(summary.p99))) "
                    + "| \(ms(row.added(summary.maximum))) "
                    + "| \(String(format: "%.3f×", row.added(summary.p50) / row.requested)) | \(summary.reordered) "
                    + "| \(cpu(row)) |")
        }
        let (delay, jitter) = (Double(options.delayMilliseconds), Double(options.jitterMilliseconds))
        lines += [
            "",
            "UDP datagrams of 64 bytes, \(options.accuracySeconds) s per row. Times in ms, nearest-rank percentiles. "
                + "*Added* = one-way latency (receiver's CLOCK_MONOTONIC after `recv` − the sender's stamp) − *path "
                + "alone p50*, the median of a reference run with nothing on the path, at the same rate, just before. "
                + "With ± \(options.jitterMilliseconds) ms, uniform holds would give min \(ms(delay - jitter)), p50 "
                + "\(ms(delay)), p99 \(ms(delay + 0.98 * jitter)), max \(ms(delay + jitter)); keeping order lengthens "
                + "a hold that would let a packet overtake the one before it.",
        ]
        return lines
    }

    static func rates(_ rows: [DelayBenchRow], options: DelayBenchOptions) -> [String] {
        var lines = [
            "| place | backend | packets/s asked | sent/s | sent | lost | undelayed | lost without delay (reference) "
                + "| error p50 | error p99 | error max | p99 within 1 ms | delayer CPU ms per 1,000 packets "
                + "| delayer CPU, % of a core |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|",
        ]
        for row in rows {
            let summary = row.measured
            let p99 = row.added(summary.p99) - row.requested
            lines.append(
                "| \(row.place) | \(row.backend) | \(row.rate) | \(String(format: "%.0f", row.sender.rate)) "
                    + "| \(row.sender.sent) | \(row.lost) | \(summary.undelayed) | \(row.referenceLost) "
                    + "| \(ms(row.added(summary.p50) - row.requested)) | \(ms(p99)) "
                    + "| \(ms(row.added(summary.maximum) - row.requested)) | \(abs(p99) <= 1 ? "yes" : "**no**") "
                    + "| \(cpu(row)) | \(row.cpu.map { String(format: "%.1f", $0.percentOfCore) } ?? "—") |")
        }
        lines += [
            "",
            "\(options.delayMilliseconds) ms asked, no jitter, \(options.rateSeconds) s per row. *Error* = added − "
                + "requested, in ms (added as above, against the reference at the same rate). *Lost*: sent but never "
                + "received; *undelayed*: arrived in less than half the delay. CPU: `utime + stime` of "
                + "/proc/PID/stat in clock ticks (10 ms each), then the scheduler's own count summed over the "
                + "delayer's threads (/proc/PID/task/*/schedstat), from the first packet to the last, per 1,000 "
                + "packets it held, and the scheduler's count over that run's wall time (tail included); netem works in the kernel's softirq, which no process is charged for.",
        ]
        return lines
    }

    static func tallies(_ rows: [DelayBenchRow]) -> [String] {
        var lines = [
            "The delayer's own tally line, per run:",
            "",
            "| place | rule | run | packets delayed | lost on purpose | let through undelayed | released late, mean µs "
                + "| released late, worst µs |",
            "|---|---|---|--:|--:|--:|--:|--:|",
        ]
        for row in rows {
            guard let tally = row.tally else { continue }
            guard tally.delayed != nil else {
                lines.append(
                    "| \(row.place) | \(row.backend) | \(row.rate)/s, \(row.setting) | \(tally.line) | | | | |")
                continue
            }
            func number(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "?" }
            lines.append(
                "| \(row.place) | \(row.backend) | \(row.rate)/s, \(row.setting) | \(tally.delayed ?? 0) "
                    + "| \(tally.lostOnPurpose.map(String.init) ?? "?") "
                    + "| \(tally.letThroughUndelayed.map(String.init) ?? "?") "
                    + "| \(number(tally.lateMeanMicroseconds)) | \(number(tally.lateWorstMicroseconds)) |")
        }
        return lines
    }

    static func vm(_ outcome: DelayBenchVM.Outcome) -> [String] {
        guard outcome.failure == nil || outcome.bootSeconds != nil else {
            return ["**netem was not measured**: \(outcome.failure ?? "")"]
        }
        var lines = [
            "| VM (`scripts/vm.sh`) | one boot: `vm.sh run -- true`, wall s | vm.sh's account of that boot "
                + "| the VM measurement above, wall s |",
            "|---|--:|---|--:|",
            "| \(outcome.check) | \(outcome.bootSeconds.map { String(format: "%.1f", $0) } ?? "—") "
                + "| \(outcome.bootLine ?? "—") | \(outcome.benchSeconds.map { String(format: "%.1f", $0) } ?? "—") |",
        ]
        if let failure = outcome.failure { lines += ["", "**The VM part failed**: \(failure)"] }
        return lines
    }

    static func ms(_ value: Double) -> String { String(format: "%.3f", value) }

    static func cpu(_ row: DelayBenchRow) -> String {
        guard let perThousand = row.cpuPerThousand else { return "—" }
        return String(format: "%.0f (ticks) / %.1f", perThousand.ticks, perThousand.scheduled)
    }
}
