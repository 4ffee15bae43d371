/// The drill's metric checks: each query as sent, what it expected, and its evaluations by phase.
enum ChecksSection {
    static func render(_ checks: [CheckRecord]) -> String {
        var html = "<section id=\"checks\">\n<h2>Metric checks</h2>\n"
        let rows = checks.map { check -> [String] in
            let byPhase = check.phases.map { phase -> String in
                let evaluations = check.evaluations.filter { $0.phase == phase }
                guard let last = evaluations.last else { return "\(phase.rawValue): not evaluated" }
                let failed = evaluations.filter { $0.counts == .fail }
                let decisive = failed.first ?? last
                let value = decisive.value.map { " = " + MetricValue.text($0) } ?? ""
                let css = failed.isEmpty ? "good" : "bad"
                return "\(phase.rawValue): <span class=\"\(css)\">\(evaluations.count - failed.count) of "
                    + "\(evaluations.count) held</span>; \(failed.isEmpty ? "last" : "first failure") at "
                    + "\(ReportText.offset(decisive.atMs))\(ReportText.escape(value)), "
                    + ReportText.escape(decisive.detail)
            }
            let window = check.windowMs.map { " over \(ReportText.span($0))" } ?? ""
            return [
                ReportText.escape(check.name),
                "<code>\(ReportText.escape(check.query))</code>",
                ReportText.escape(check.expect + window),
                byPhase.joined(separator: "<br>"),
            ]
        }
        html += ReportTables.table(["check", "query", "expect", "evaluations"], rows)
        return html + "\n</section>"
    }
}
