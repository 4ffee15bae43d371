import Foundation

/// The Markdown tables the bench prints: milliseconds to read, ratios to compare across runs and machines.
enum ResultsTable {
    static func render(_ faults: [FaultTiming], _ overhead: RunOverhead?, runs: Int) -> String {
        var lines = [
            row([
                "fault", "executor", "reference `true` median", "apply median", "apply p99", "revert median",
                "revert p99", "apply ÷ ref", "apply p99 ÷ ref", "revert ÷ ref", "revert p99 ÷ ref",
            ]),
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for timing in faults {
            let reference = timing.reference.median
            let (apply, applyP99) = (timing.apply.median, timing.apply.percentile(99))
            let (revert, revertP99) = (timing.revert.median, timing.revert.percentile(99))
            lines.append(
                row([
                    timing.kind, timing.executor, ms(reference), ms(apply), ms(applyP99), ms(revert), ms(revertP99),
                    times(apply, reference), times(applyP99, reference), times(revert, reference),
                    times(revertP99, reference),
                ]))
        }
        lines += ["", "\(runs) runs per fault; times in ms; p99 is nearest-rank (with 50 runs, the slowest)."]
        if let overhead {
            let reference = overhead.reference.median
            lines += [
                "",
                row([
                    "drill", "runs", "waits asked", "reference `gameday validate` median", "wall median",
                    "overhead median", "overhead max", "overhead ÷ ref",
                ]),
                "|---|--:|--:|--:|--:|--:|--:|--:|",
                row([
                    overhead.drill, "\(overhead.wall.values.count)", ms(overhead.waits), ms(reference),
                    ms(overhead.wall.median), ms(overhead.overhead.median), ms(overhead.overhead.percentile(100)),
                    times(overhead.overhead.median, reference),
                ]),
            ]
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    private static func ms(_ duration: Duration) -> String {
        String(format: "%.1f", duration.milliseconds)
    }

    private static func times(_ duration: Duration, _ reference: Duration) -> String {
        String(format: "%.1f×", duration.ratio(to: reference))
    }
}
