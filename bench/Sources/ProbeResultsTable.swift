import Foundation

/// The Markdown tables of `gameday-bench probes`.
enum ProbeResultsTable {
    static func render(
        _ throughput: ProbeThroughput, _ lag: ScheduleLag, _ memory: ProbeMemory, options: ProbeBenchOptions
    ) -> String {
        var lines = [
            "| round | wrk req/s | engine probes/s | engine ÷ wrk | wrk CPU µs/request | engine CPU µs/probe | ÷ |",
            "|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for index in throughput.wrk.indices {
            let (wrk, engine) = (throughput.wrk[index], throughput.engine[index])
            let (wrkCPU, engineCPU) = (throughput.wrkCPU[index], throughput.engineCPU[index])
            lines.append(
                "| \(index + 1) | \(rate(wrk)) | \(rate(engine)) | \(times(engine / wrk)) | \(micros(wrkCPU)) "
                    + "| \(micros(engineCPU)) | \(times(engineCPU / wrkCPU)) |")
        }
        let (wrk, engine) = (median(throughput.wrk), median(throughput.engine))
        let (wrkCPU, engineCPU) = (median(throughput.wrkCPU), median(throughput.engineCPU))
        lines.append(
            "| median | \(rate(wrk)) | \(rate(engine)) | \(times(engine / wrk)) | \(micros(wrkCPU)) | \(micros(engineCPU)) "
                + "| \(times(engineCPU / wrkCPU)) |")
        lines += [
            "",
            "\(options.connections) connections (wrk -t1 -c\(options.connections); engine: \(options.connections) "
                + "users, max_in_flight 1, interval 50 µs), \(options.throughputSeconds) s each; engine failures: "
                + "\(throughput.engineFailed), slots skipped: \(throughput.engineSkipped); wrk errors: "
                + (throughput.wrkErrors.isEmpty ? "none" : throughput.wrkErrors.joined(separator: "; ")),
            "",
            "| run | users × interval | samples | lag p50 | lag p90 | lag p99 | lag p99.9 | lag max |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
            lagRow("engine", lag.lag, lag),
            lagRow("reference (no request leaves)", lag.reference, lag),
            "| engine ÷ reference | | | \(times(lag.lag.median, lag.reference.median)) "
                + "| \(times(lag.lag.percentile(90), lag.reference.percentile(90))) "
                + "| \(times(lag.lag.percentile(99), lag.reference.percentile(99))) "
                + "| \(times(lag.lag.percentile(99.9), lag.reference.percentile(99.9))) | |",
            "",
            "Lag in ms. Engine run: \(lag.delivered) delivered, \(lag.failed) failed, \(lag.skipped) slots skipped; "
                + "slots more than \(ScheduleLag.late) late, by second of the run: "
                + (lag.lateBySecond.isEmpty ? "none" : lag.lateBySecond.map(String.init).joined(separator: " ")) + ".",
            "",
            "| run | users | seconds | probes delivered | failed | peak RSS (VmHWM) MiB | ÷ reference | above reference, KiB per user |",
            "|---|--:|--:|--:|--:|--:|--:|--:|",
            memoryRow("engine", memory.engine, memory.reference),
            memoryRow("reference (engine, no user)", memory.reference, memory.reference),
        ]
        return lines.joined(separator: "\n")
    }

    private static func lagRow(_ name: String, _ samples: Samples, _ lag: ScheduleLag) -> String {
        let cells = [
            name, "\(lag.users) × \(String(format: "%g", lag.interval.milliseconds)) ms", "\(samples.values.count)",
        ]
        let percentiles = [50, 90, 99, 99.9].map { String(format: "%.3f", samples.percentile($0).milliseconds) }
        let maximum = String(format: "%.3f", samples.percentile(100).milliseconds)
        return "| " + (cells + percentiles + [maximum]).joined(separator: " | ") + " |"
    }

    private static func memoryRow(_ name: String, _ peak: ProbeMemory.Peak, _ reference: ProbeMemory.Peak) -> String {
        let perUser =
            peak.users == 0 ? "" : String(format: "%.1f", Double(peak.peakKiB - reference.peakKiB) / Double(peak.users))
        let cells = [
            name, "\(peak.users)", "\(peak.seconds)", "\(peak.delivered)", "\(peak.failed)",
            String(format: "%.1f", Double(peak.peakKiB) / 1024),
            times(Double(peak.peakKiB) / Double(reference.peakKiB)), perUser,
        ]
        return "| " + cells.joined(separator: " | ") + " |"
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func rate(_ value: Double) -> String { String(format: "%.0f", value) }
    private static func micros(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func times(_ value: Double) -> String { String(format: "%.2f×", value) }
    private static func times(_ value: Duration, _ reference: Duration) -> String { times(value.ratio(to: reference)) }
}
