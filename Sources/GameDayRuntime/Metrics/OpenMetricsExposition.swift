/// Runs' metrics in the OpenMetrics text format (1.0), each sample stamped with its run's start:
/// `gameday history --metrics`, which `promtool tsdb create-blocks-from openmetrics` backfills.
///
/// Written by hand: swift-prometheus 2.4 writes only the Prometheus text format (0.0.4), with no
/// sample timestamps, no `# UNIT` lines and no `# EOF` terminator, and holds one value per series
/// where the history has one per run.
public enum OpenMetricsExposition {
    /// Every family once, its samples together (OpenMetrics forbids interleaving families), the
    /// runs oldest first within it (a series' timestamps must increase), then `# EOF`.
    public static func render(_ runs: [RunMetrics]) -> String {
        let oldestFirst = runs.enumerated().sorted {
            ($0.element.startedAt ?? 0, $0.offset) < ($1.element.startedAt ?? 0, $1.offset)
        }.map(\.element)
        var lines: [String] = []
        for metric in RunMetric.allCases {
            let samples = oldestFirst.compactMap { run in run.value(of: metric).map { (run, $0) } }
            guard !samples.isEmpty else { continue }
            lines.append("# TYPE \(metric.name) gauge")
            if let unit = metric.unit { lines.append("# UNIT \(metric.name) \(unit)") }
            lines.append("# HELP \(metric.name) \(escaped(metric.help))")
            for (run, value) in samples {
                let labels = run.labels(of: metric).map { "\($0)=\"\(escaped($1))\"" }.joined(separator: ",")
                let timestamp = run.startedAt.map { " \(number($0))" } ?? ""
                lines.append("\(metric.name){\(labels)} \(number(value))\(timestamp)")
            }
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Backslash, double quote and line feed escaped, as label values and HELP text need.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Swift's shortest form of a finite number (`1.8305`, `3.0`, `1e-05`); OpenMetrics' words for the rest.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
